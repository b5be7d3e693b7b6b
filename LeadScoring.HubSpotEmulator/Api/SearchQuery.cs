using System.Globalization;
using System.Text.Json.Nodes;

namespace LeadScoring.HubSpotEmulator.Api;

internal sealed record SearchFilter(string PropertyName, string Operator, string? Value, string? HighValue, IReadOnlyList<string> Values);

/// <summary>A parsed CRM search request, within HubSpot's limits.</summary>
internal sealed record SearchQuery(
    IReadOnlyList<IReadOnlyList<SearchFilter>> FilterGroups, string? SortProperty, bool Descending, IReadOnlyList<string> Properties,
    int Limit, int After, string? Query)
{
    public const int MaxGroups = 5;
    public const int MaxFiltersPerGroup = 6;
    public const int MaxFilters = 18;
    public const int MaxLimit = 200;
    public const int ResultCap = 10_000;
    public const int MaxBodyChars = 3_000;

    private static readonly HashSet<string> Operators =
    [
        "EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN",
    ];

    /// <summary>The query, or the message of HubSpot's 400 VALIDATION_ERROR.</summary>
    public static (SearchQuery? Query, string? Error) Parse(JsonObject body)
    {
        var groups = new List<IReadOnlyList<SearchFilter>>();
        if (body["filterGroups"] is JsonArray filterGroups)
        {
            if (filterGroups.Count > MaxGroups)
            {
                return Fail($"Too many filter groups: {filterGroups.Count}. A search takes at most {MaxGroups} filterGroups.");
            }

            foreach (var groupNode in filterGroups)
            {
                if (groupNode is not JsonObject group || group["filters"] is not JsonArray filters)
                {
                    return Fail("Each filter group must be an object with a filters array.");
                }

                if (filters.Count > MaxFiltersPerGroup)
                {
                    return Fail($"Too many filters in a group: {filters.Count}. A filter group takes at most {MaxFiltersPerGroup} filters.");
                }

                var parsed = new List<SearchFilter>(filters.Count);
                foreach (var filterNode in filters)
                {
                    var (filter, error) = ParseFilter(filterNode);
                    if (filter is null)
                    {
                        return Fail(error!);
                    }

                    parsed.Add(filter);
                }

                groups.Add(parsed);
            }

            var total = groups.Sum(g => g.Count);
            if (total > MaxFilters)
            {
                return Fail($"Too many filters: {total}. A search takes at most {MaxFilters} filters across all groups.");
            }
        }
        else if (body["filterGroups"] is not null)
        {
            return Fail("filterGroups must be an array.");
        }

        string? sortProperty = null;
        var descending = false;
        if (body["sorts"] is JsonArray sorts)
        {
            if (sorts.Count > 1)
            {
                return Fail($"Too many sorts: {sorts.Count}. A search takes at most one sort.");
            }

            if (sorts.Count == 1)
            {
                switch (sorts[0])
                {
                    case JsonObject sort when JsonResults.Scalar(sort["propertyName"]) is { Length: > 0 } name:
                        sortProperty = name;
                        var direction = JsonResults.Scalar(sort["direction"]) ?? "ASCENDING";
                        if (direction is not ("ASCENDING" or "DESCENDING"))
                        {
                            return Fail($"Unknown sort direction '{direction}'; use ASCENDING or DESCENDING.");
                        }

                        descending = direction == "DESCENDING";
                        break;
                    case JsonValue value when JsonResults.Scalar(value) is { Length: > 0 } text:
                        descending = text.StartsWith('-');
                        sortProperty = text.TrimStart('-');
                        break;
                    default:
                        return Fail("A sort needs a propertyName.");
                }
            }
        }

        var properties = (body["properties"] as JsonArray)?.Select(JsonResults.Scalar).OfType<string>().ToList() ?? [];

        var limit = 10;
        if (body["limit"] is { } limitNode)
        {
            if (!int.TryParse(JsonResults.Scalar(limitNode), NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit > MaxLimit)
            {
                return Fail($"limit must be a number between 0 and {MaxLimit} (got {limitNode.ToJsonString()}).");
            }
        }

        var after = 0;
        if (body["after"] is { } afterNode && JsonResults.Scalar(afterNode) is { Length: > 0 } afterText
            && !int.TryParse(afterText, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            return Fail($"after must be a non-negative integer sent as a string (got {afterNode.ToJsonString()}).");
        }

        if ((long)after + limit > ResultCap)
        {
            return Fail($"Paging past {ResultCap} results is not supported: after ({after}) + limit ({limit}) exceeds {ResultCap}. Narrow the query instead.");
        }

        var query = JsonResults.Scalar(body["query"]);
        return (new SearchQuery(groups, sortProperty, descending, properties, limit, after, string.IsNullOrWhiteSpace(query) ? null : query), null);

        static (SearchQuery?, string?) Fail(string message) => (null, message);
    }

    private static (SearchFilter? Filter, string? Error) ParseFilter(JsonNode? node)
    {
        if (node is not JsonObject filter || JsonResults.Scalar(filter["propertyName"]) is not { Length: > 0 } property)
        {
            return (null, "Each filter needs a propertyName.");
        }

        var op = JsonResults.Scalar(filter["operator"]) ?? "EQ";
        if (!Operators.Contains(op))
        {
            return (null, $"Unknown operator '{op}' for {property}.");
        }

        var value = JsonResults.Scalar(filter["value"]);
        var high = JsonResults.Scalar(filter["highValue"]);
        var values = (filter["values"] as JsonArray)?.Select(JsonResults.Scalar).OfType<string>().ToList() ?? [];
        var missing = op switch
        {
            "IN" or "NOT_IN" => values.Count == 0 ? "values" : null,
            "BETWEEN" => value is null ? "value" : high is null ? "highValue" : null,
            "HAS_PROPERTY" or "NOT_HAS_PROPERTY" => null,
            _ => value is null ? "value" : null,
        };
        return missing is null
            ? (new SearchFilter(property, op, value, high, values), null)
            : (null, $"The {op} filter on {property} needs {missing}.");
    }
}
