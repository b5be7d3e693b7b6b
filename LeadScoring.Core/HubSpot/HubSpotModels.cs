using System.Text.Json.Serialization;

namespace LeadScoring.Core.HubSpot;

// HubSpot's wire shapes (CRM v3/v4, properties, OAuth). Setters rather than init: System.Text.Json's source generator
// assigns every init-only property, which would null out collection defaults for fields HubSpot leaves out.

/// <summary>A CRM object as HubSpot returns it: id and string-valued properties.</summary>
public sealed class HubSpotObject
{
    public string Id { get; set; } = "";

    public Dictionary<string, string?> Properties { get; set; } = [];

    public DateTimeOffset? CreatedAt { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    public bool Archived { get; set; }

    /// <summary>A property's value, or null when absent or empty (HubSpot omits empty properties).</summary>
    public string? Get(string name) => Properties.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;
}

/// <summary>HubSpot's error body: status, message, correlationId, category and per-input errors.</summary>
public sealed class HubSpotErrorBody
{
    public string? Status { get; set; }

    public string? Message { get; set; }

    public string? CorrelationId { get; set; }

    public string? Category { get; set; }

    /// <summary>Set on 429s instead of category (e.g. RATE_LIMIT).</summary>
    public string? ErrorType { get; set; }

    /// <summary>Which limit a 429 hit: TEN_SECONDLY_ROLLING, SECONDLY or DAILY.</summary>
    public string? PolicyName { get; set; }

    public List<HubSpotErrorDetail>? Errors { get; set; }
}

/// <summary>One entry of a batch's errors[]: which inputs failed and why.</summary>
public sealed class HubSpotErrorDetail
{
    public string? Status { get; set; }

    public string? Category { get; set; }

    public string? Message { get; set; }

    /// <summary>For validation errors: the property at fault.</summary>
    public string? In { get; set; }

    /// <summary>E.g. <c>{"ids": ["51"]}</c> for the inputs this error is about.</summary>
    public Dictionary<string, List<string>>? Context { get; set; }
}

internal sealed class IdInput
{
    public string Id { get; set; } = "";

    /// <summary>CRM v4 association reads: the cursor of the page to continue from (omitted on the first page).</summary>
    public string? After { get; set; }
}

internal sealed class BatchReadRequest
{
    public List<string> Properties { get; set; } = [];

    public List<IdInput> Inputs { get; set; } = [];
}

internal sealed class BatchResponse
{
    public string? Status { get; set; }

    public List<HubSpotObject> Results { get; set; } = [];

    public int? NumErrors { get; set; }

    public List<HubSpotErrorDetail>? Errors { get; set; }
}

internal sealed class BatchUpdateInput
{
    public string Id { get; set; } = "";

    public Dictionary<string, string> Properties { get; set; } = [];
}

internal sealed class BatchUpdateRequest
{
    public List<BatchUpdateInput> Inputs { get; set; } = [];
}

internal sealed class SearchFilter
{
    public string PropertyName { get; set; } = "";

    public string Operator { get; set; } = "";

    public string? Value { get; set; }
}

internal sealed class SearchFilterGroup
{
    public List<SearchFilter> Filters { get; set; } = [];
}

internal sealed class SearchSort
{
    public string PropertyName { get; set; } = "";

    public string Direction { get; set; } = "ASCENDING";
}

internal sealed class SearchRequest
{
    public List<SearchFilterGroup> FilterGroups { get; set; } = [];

    public List<SearchSort> Sorts { get; set; } = [];

    public List<string> Properties { get; set; } = [];

    public int Limit { get; set; }

    public string? After { get; set; }
}

internal sealed class SearchResponse
{
    public int Total { get; set; }

    public List<HubSpotObject> Results { get; set; } = [];

    public SearchPaging? Paging { get; set; }
}

internal sealed class SearchPaging
{
    public SearchNext? Next { get; set; }
}

internal sealed class SearchNext
{
    public string? After { get; set; }
}

internal sealed class AssociationBatchResponse
{
    public string? Status { get; set; }

    public List<AssociationResult> Results { get; set; } = [];

    public List<HubSpotErrorDetail>? Errors { get; set; }
}

internal sealed class AssociationResult
{
    public IdInput From { get; set; } = new();

    public List<AssociationTarget> To { get; set; } = [];

    /// <summary>Set when this input has more associations than one result holds (500 in HubSpot).</summary>
    public SearchPaging? Paging { get; set; }
}

internal sealed class AssociationTarget
{
    public long ToObjectId { get; set; }

    public List<AssociationType> AssociationTypes { get; set; } = [];
}

internal sealed class AssociationType
{
    public string? Category { get; set; }

    public int TypeId { get; set; }

    public string? Label { get; set; }
}

/// <summary>A custom property to create in HubSpot (POST /crm/v3/properties/{object}).</summary>
public sealed class HubSpotPropertyDefinition
{
    public string Name { get; set; } = "";

    public string Label { get; set; } = "";

    /// <summary>string, number, enumeration, bool, date, datetime.</summary>
    public string Type { get; set; } = "string";

    /// <summary>text, textarea, number, select, booleancheckbox, date…</summary>
    public string FieldType { get; set; } = "text";

    public string GroupName { get; set; } = "";

    public string? Description { get; set; }

    public List<HubSpotPropertyOption>? Options { get; set; }
}

public sealed class HubSpotPropertyOption
{
    public string Label { get; set; } = "";

    public string Value { get; set; } = "";

    public int DisplayOrder { get; set; }
}

/// <summary>A property group (POST /crm/v3/properties/{object}/groups).</summary>
public sealed class HubSpotPropertyGroup
{
    public string Name { get; set; } = "";

    public string Label { get; set; } = "";

    public int DisplayOrder { get; set; } = -1;
}

/// <summary>GET /account-info/v3/details: what the product needs of the portal (its time zone sets the daily limit's reset).</summary>
public sealed class HubSpotAccountDetails
{
    public long PortalId { get; set; }

    /// <summary>IANA id, e.g. <c>US/Eastern</c>.</summary>
    public string? TimeZone { get; set; }
}

internal sealed class WorkflowSummary
{
    public long Id { get; set; }
}

internal sealed class OAuthTokenResponse
{
    [JsonPropertyName("access_token")]
    public string? AccessToken { get; set; }

    [JsonPropertyName("refresh_token")]
    public string? RefreshToken { get; set; }

    [JsonPropertyName("expires_in")]
    public int ExpiresIn { get; set; }

    [JsonPropertyName("token_type")]
    public string? TokenType { get; set; }
}

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HubSpotObject))]
[JsonSerializable(typeof(HubSpotErrorBody))]
[JsonSerializable(typeof(BatchReadRequest))]
[JsonSerializable(typeof(BatchResponse))]
[JsonSerializable(typeof(BatchUpdateRequest))]
[JsonSerializable(typeof(SearchRequest))]
[JsonSerializable(typeof(SearchResponse))]
[JsonSerializable(typeof(AssociationBatchResponse))]
[JsonSerializable(typeof(HubSpotPropertyDefinition))]
[JsonSerializable(typeof(HubSpotPropertyGroup))]
[JsonSerializable(typeof(OAuthTokenResponse))]
[JsonSerializable(typeof(List<WorkflowSummary>))]
[JsonSerializable(typeof(HubSpotAccountDetails))]
[JsonSerializable(typeof(HubSpotLeadRecord))]
internal sealed partial class HubSpotJsonContext : JsonSerializerContext;
