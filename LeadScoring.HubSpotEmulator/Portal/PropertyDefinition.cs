using System.Text.Json.Nodes;

namespace LeadScoring.HubSpotEmulator.Portal;

internal sealed record PropertyOption(string Label, string Value, int DisplayOrder);

/// <summary>A property's schema as the properties API describes it.</summary>
internal sealed record PropertyDefinition
{
    public required string Name { get; init; }

    public required string Label { get; init; }

    /// <summary>string, number, enumeration, bool, date, datetime or phone_number.</summary>
    public required string Type { get; init; }

    public required string FieldType { get; init; }

    public required string GroupName { get; init; }

    public string Description { get; init; } = "";

    public IReadOnlyList<PropertyOption> Options { get; init; } = [];

    public int DisplayOrder { get; init; } = -1;

    public bool HubSpotDefined { get; init; }

    /// <summary>Calculated or system-maintained: API writes are refused.</summary>
    public bool ReadOnlyValue { get; init; }

    public bool Hidden { get; init; }

    public bool HasUniqueValue { get; init; }

    public bool FormField { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["updatedAt"] = Formats.Iso(UpdatedAt),
            ["createdAt"] = Formats.Iso(CreatedAt),
            ["name"] = Name,
            ["label"] = Label,
            ["type"] = Type,
            ["fieldType"] = FieldType,
            ["description"] = Description,
            ["groupName"] = GroupName,
            ["options"] = new JsonArray([.. Options.Select(o => (JsonNode)new JsonObject
            {
                ["label"] = o.Label,
                ["value"] = o.Value,
                ["displayOrder"] = o.DisplayOrder,
                ["hidden"] = false,
            })]),
            ["displayOrder"] = DisplayOrder,
            ["calculated"] = false,
            ["externalOptions"] = false,
            ["hasUniqueValue"] = HasUniqueValue,
            ["hidden"] = Hidden,
            ["hubspotDefined"] = HubSpotDefined,
            ["modificationMetadata"] = new JsonObject
            {
                ["archivable"] = !HubSpotDefined,
                ["readOnlyDefinition"] = HubSpotDefined,
                ["readOnlyValue"] = ReadOnlyValue,
            },
            ["formField"] = FormField,
            ["dataSensitivity"] = "non_sensitive",
        };
        return json;
    }
}

internal sealed record PropertyGroup(string Name, string Label, int DisplayOrder)
{
    public JsonObject ToJson() => new() { ["name"] = Name, ["label"] = Label, ["displayOrder"] = DisplayOrder, ["archived"] = false };
}
