using System.Text.Json.Nodes;
using LeadScoring.HubSpotEmulator.Portal;

namespace LeadScoring.HubSpotEmulator.Api;

/// <summary>Checks a <c>properties</c> object against the portal's schema, as HubSpot does before writing anything.</summary>
internal static class PropertyValidation
{
    public const string InvalidMessage = "Property values were not valid";

    /// <summary>
    /// The values in stored form, and one <c>{message, code, in, context}</c> error per bad property.
    /// <paramref name="allowReadOnly"/> is for the admin endpoints, which stand in for HubSpot itself.
    /// </summary>
    public static (Dictionary<string, string> Values, List<JsonObject> Errors) Validate(PortalData data, ObjectType type, JsonObject? properties, bool allowReadOnly = false)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new List<JsonObject>();
        var definitions = data.Properties[type];
        foreach (var (name, node) in properties ?? [])
        {
            if (!definitions.TryGetValue(name, out var definition))
            {
                errors.Add(Error(name, "PROPERTY_DOESNT_EXIST", $"Property \"{name}\" does not exist"));
                continue;
            }

            if (definition.ReadOnlyValue && !allowReadOnly)
            {
                errors.Add(Error(name, "READ_ONLY_VALUE", $"\"{name}\" is a read only property; its value cannot be set."));
                continue;
            }

            var raw = node is null ? "" : JsonResults.Scalar(node);
            if (raw is null)
            {
                errors.Add(Error(name, "INVALID_VALUE", $"The value of \"{name}\" must be a string."));
                continue;
            }

            var (value, code, message) = PropertyValues.Normalize(definition, raw);
            if (value is null)
            {
                errors.Add(Error(name, code!, message!));
                continue;
            }

            // HubSpot turns associatedcompanyid into the primary company association, so it must name a company.
            if (type == ObjectType.Contacts && name == "associatedcompanyid" && value.Length > 0)
            {
                if (data.Find(ObjectType.Companies, value) is not { } company)
                {
                    errors.Add(Error(name, "INVALID_VALUE", $"{value} is not the id of an existing company; associatedcompanyid takes a company id."));
                    continue;
                }

                value = Formats.Text(company.Id);
            }

            values[name] = value;
        }

        return (values, errors);
    }

    public static IResult Rejected(IEnumerable<JsonObject> errors) =>
        HubSpotErrors.Validation(InvalidMessage, new JsonArray([.. errors]));

    private static JsonObject Error(string property, string code, string message) => new()
    {
        ["message"] = message,
        ["code"] = code,
        ["in"] = property,
        ["context"] = new JsonObject { ["propertyName"] = new JsonArray(property) },
    };
}
