using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LeadScoring.HubSpotEmulator.Portal;

namespace LeadScoring.HubSpotEmulator.Api;

/// <summary>CRM v3 properties and property groups.</summary>
internal static partial class PropertyEndpoints
{
    private const int MaxUniqueValueProperties = 10;

    private static readonly Dictionary<string, string[]> FieldTypes = new(StringComparer.Ordinal)
    {
        ["string"] = ["text", "textarea", "html", "phonenumber", "file", "calculation_equation"],
        ["number"] = ["number", "calculation_equation"],
        ["enumeration"] = ["select", "radio", "checkbox", "booleancheckbox", "calculation_equation"],
        ["bool"] = ["booleancheckbox", "calculation_equation"],
        ["date"] = ["date", "calculation_equation"],
        ["datetime"] = ["date", "calculation_equation"],
        ["phone_number"] = ["phonenumber"],
    };

    public static void MapProperties(this IEndpointRouteBuilder app, EmulatorServices services)
    {
        var store = services.Store;
        var properties = app.MapGroup("/crm/v3/properties/{objectType}");
        properties.MapGet("/", (string objectType) => WithType(objectType, type => JsonResults.Json(store.Read(data =>
            new JsonObject { ["results"] = new JsonArray([.. data.Properties[type].Values.Select(p => (JsonNode)p.ToJson())]) }))));
        properties.MapGet("/groups", (string objectType) => WithType(objectType, type => JsonResults.Json(store.Read(data =>
            new JsonObject { ["results"] = new JsonArray([.. data.Groups[type].Values.Select(g => (JsonNode)g.ToJson())]) }))));
        properties.MapGet("/groups/{name}", (string objectType, string name) => WithType(objectType, type => store.Read(data =>
            data.Groups[type].TryGetValue(name, out var group)
                ? JsonResults.Json(group.ToJson())
                : HubSpotErrors.NotFound($"Unable to find property group {name}"))));
        properties.MapGet("/{name}", (string objectType, string name) => WithType(objectType, type => store.Read(data =>
            data.Properties[type].TryGetValue(name, out var property)
                ? JsonResults.Json(property.ToJson())
                : HubSpotErrors.NotFound($"Unable to find property {name}"))));
        properties.MapPost("/", (HttpContext context, string objectType) => CreatePropertyAsync(services, context, objectType));
        properties.MapPatch("/{name}", (HttpContext context, string objectType, string name) => UpdatePropertyAsync(services, context, objectType, name));
        properties.MapPost("/groups", (HttpContext context, string objectType) => CreateGroupAsync(services, context, objectType));
    }

    private static IResult WithType(string objectType, Func<ObjectType, IResult> handle) =>
        ObjectType.Find(objectType) is { } type ? handle(type) : HubSpotErrors.UnknownObjectType(objectType);

    private static async Task<IResult> CreatePropertyAsync(EmulatorServices services, HttpContext context, string objectType)
    {
        if (ObjectType.Find(objectType) is not { } type)
        {
            return HubSpotErrors.UnknownObjectType(objectType);
        }

        var (body, error) = await JsonResults.ReadObjectAsync(context.Request, context.RequestAborted);
        if (body is null)
        {
            return error!;
        }

        var errors = new List<JsonObject>();
        string Required(string field)
        {
            var value = JsonResults.Scalar(body[field]);
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add(Problem(field, "REQUIRED_FIELD", $"{field} is required."));
            }

            return value ?? "";
        }

        var name = Required("name");
        var label = Required("label");
        var propertyType = Required("type");
        var fieldType = Required("fieldType");
        var groupName = Required("groupName");
        if (name.Length > 0 && !PropertyName().IsMatch(name))
        {
            errors.Add(Problem("name", "INVALID_NAME", $"Property name '{name}' is invalid: use lower-case letters, digits and underscores, starting with a letter."));
        }

        if (propertyType.Length > 0 && !FieldTypes.ContainsKey(propertyType))
        {
            errors.Add(Problem("type", "INVALID_TYPE", $"'{propertyType}' is not a valid property type; use one of {string.Join(", ", FieldTypes.Keys)}."));
        }
        else if (fieldType.Length > 0 && FieldTypes.TryGetValue(propertyType, out var allowed) && !allowed.Contains(fieldType))
        {
            errors.Add(Problem("fieldType", "INVALID_FIELD_TYPE", $"fieldType '{fieldType}' is not valid for type '{propertyType}'; use one of {string.Join(", ", allowed)}."));
        }

        var (options, optionError) = ReadOptions(body["options"]);
        if (optionError is not null)
        {
            errors.Add(Problem("options", "INVALID_OPTIONS", optionError));
        }
        else if (propertyType == "bool" && !(options.Count == 2 && options.Any(o => o.Value == "true") && options.Any(o => o.Value == "false")))
        {
            errors.Add(Problem("options", "INVALID_OPTIONS", "A bool property needs exactly two options, with the values true and false."));
        }

        if (errors.Count > 0)
        {
            return HubSpotErrors.Validation("Invalid input: the property definition is not valid.", new JsonArray([.. errors]));
        }

        return services.Store.Write(w =>
        {
            var existing = w.Data.Properties[type];
            if (existing.ContainsKey(name))
            {
                return HubSpotErrors.Result(
                    StatusCodes.Status409Conflict, $"Property named '{name}' already exists.", "OBJECT_ALREADY_EXISTS",
                    context: new JsonObject { ["name"] = new JsonArray(name) }, subCategory: "Property.PROPERTY_ALREADY_EXISTS");
            }

            if (!w.Data.Groups[type].ContainsKey(groupName))
            {
                return HubSpotErrors.Validation($"Property group {groupName} does not exist.", new JsonArray(Problem("groupName", "GROUP_NOT_FOUND", $"Unable to find property group {groupName}")));
            }

            var unique = body["hasUniqueValue"]?.GetValueKind() == System.Text.Json.JsonValueKind.True;
            if (unique && existing.Values.Count(p => p.HasUniqueValue && !p.HubSpotDefined) >= MaxUniqueValueProperties)
            {
                return HubSpotErrors.Validation($"An object can have at most {MaxUniqueValueProperties} unique-value properties.");
            }

            var property = new PropertyDefinition
            {
                Name = name,
                Label = label,
                Type = propertyType,
                FieldType = fieldType,
                GroupName = groupName,
                Description = JsonResults.Scalar(body["description"]) ?? "",
                Options = options,
                DisplayOrder = int.TryParse(JsonResults.Scalar(body["displayOrder"]), out var order) ? order : -1,
                HasUniqueValue = unique,
                Hidden = body["hidden"]?.GetValueKind() == System.Text.Json.JsonValueKind.True,
                FormField = body["formField"]?.GetValueKind() == System.Text.Json.JsonValueKind.True,
                CreatedAt = w.Now,
                UpdatedAt = w.Now,
            };
            existing[name] = property;
            return JsonResults.Json(property.ToJson(), StatusCodes.Status201Created);
        });
    }

    private static async Task<IResult> UpdatePropertyAsync(EmulatorServices services, HttpContext context, string objectType, string name)
    {
        if (ObjectType.Find(objectType) is not { } type)
        {
            return HubSpotErrors.UnknownObjectType(objectType);
        }

        var (body, error) = await JsonResults.ReadObjectAsync(context.Request, context.RequestAborted);
        if (body is null)
        {
            return error!;
        }

        var (options, optionError) = ReadOptions(body["options"]);
        if (optionError is not null)
        {
            return HubSpotErrors.Validation(optionError);
        }

        return services.Store.Write(w =>
        {
            if (!w.Data.Properties[type].TryGetValue(name, out var property))
            {
                return HubSpotErrors.NotFound($"Unable to find property {name}");
            }

            if (property.HubSpotDefined)
            {
                return HubSpotErrors.Validation($"Property {name} is HubSpot-defined; its definition is read-only.");
            }

            var groupName = JsonResults.Scalar(body["groupName"]) ?? property.GroupName;
            if (!w.Data.Groups[type].ContainsKey(groupName))
            {
                return HubSpotErrors.Validation($"Property group {groupName} does not exist.");
            }

            property = property with
            {
                Label = JsonResults.Scalar(body["label"]) ?? property.Label,
                Description = JsonResults.Scalar(body["description"]) ?? property.Description,
                GroupName = groupName,
                Options = body["options"] is null ? property.Options : options,
                UpdatedAt = w.Now,
            };
            w.Data.Properties[type][name] = property;
            return JsonResults.Json(property.ToJson());
        });
    }

    private static async Task<IResult> CreateGroupAsync(EmulatorServices services, HttpContext context, string objectType)
    {
        if (ObjectType.Find(objectType) is not { } type)
        {
            return HubSpotErrors.UnknownObjectType(objectType);
        }

        var (body, error) = await JsonResults.ReadObjectAsync(context.Request, context.RequestAborted);
        if (body is null)
        {
            return error!;
        }

        var name = JsonResults.Scalar(body["name"]) ?? "";
        var label = JsonResults.Scalar(body["label"]) ?? "";
        if (!PropertyName().IsMatch(name) || label.Length == 0)
        {
            return HubSpotErrors.Validation(
                "Invalid input: a property group needs a name (lower-case letters, digits, underscores) and a label.",
                new JsonArray([.. new[] { ("name", name), ("label", label) }.Where(f => f.Item2.Length == 0).Select(f => (JsonNode)Problem(f.Item1, "REQUIRED_FIELD", $"{f.Item1} is required."))]));
        }

        return services.Store.Write(w =>
        {
            if (w.Data.Groups[type].ContainsKey(name))
            {
                return HubSpotErrors.Result(
                    StatusCodes.Status409Conflict, $"Property group named '{name}' already exists.", "OBJECT_ALREADY_EXISTS",
                    context: new JsonObject { ["name"] = new JsonArray(name) });
            }

            var group = new PropertyGroup(name, label, int.TryParse(JsonResults.Scalar(body["displayOrder"]), out var order) ? order : -1);
            w.Data.Groups[type][name] = group;
            return JsonResults.Json(group.ToJson(), StatusCodes.Status201Created);
        });
    }

    private static (List<PropertyOption> Options, string? Error) ReadOptions(JsonNode? node)
    {
        if (node is null)
        {
            return ([], null);
        }

        if (node is not JsonArray array)
        {
            return ([], "options must be an array of {label, value, displayOrder}.");
        }

        var options = new List<PropertyOption>(array.Count);
        foreach (var item in array)
        {
            if (item is not JsonObject option || JsonResults.Scalar(option["label"]) is not { } label || JsonResults.Scalar(option["value"]) is not { } value)
            {
                return ([], "Each option needs a label and a value.");
            }

            options.Add(new PropertyOption(label, value, int.TryParse(JsonResults.Scalar(option["displayOrder"]), out var order) ? order : options.Count));
        }

        return options.Select(o => o.Value).Distinct(StringComparer.Ordinal).Count() == options.Count
            ? (options, null)
            : ([], "Option values must be unique.");
    }

    private static JsonObject Problem(string field, string code, string message) =>
        new() { ["message"] = message, ["code"] = code, ["in"] = field };

    [GeneratedRegex("^[a-z][a-z0-9_]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex PropertyName();
}
