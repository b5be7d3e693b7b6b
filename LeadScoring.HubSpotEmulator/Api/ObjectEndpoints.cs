using System.Globalization;
using System.Text.Json.Nodes;
using LeadScoring.HubSpotEmulator.Portal;

namespace LeadScoring.HubSpotEmulator.Api;

/// <summary>CRM v3 objects: get, list, create, update, batch read and batch update.</summary>
internal static class ObjectEndpoints
{
    public const int BatchLimit = 100;

    public static void MapObjects(this IEndpointRouteBuilder app, EmulatorServices services)
    {
        var store = services.Store;
        var objects = app.MapGroup("/crm/v3/objects/{objectType}");
        objects.MapGet("/{id}", (HttpContext context, string objectType, string id) => Get(store, context.Request.Query, objectType, id));
        objects.MapGet("/", (HttpContext context, string objectType) => List(store, context.Request.Query, objectType));
        objects.MapPost("/", (HttpContext context, string objectType) => CreateAsync(services, context, objectType));
        objects.MapPatch("/{id}", (HttpContext context, string objectType, string id) => UpdateAsync(services, context, objectType, id));
        objects.MapPost("/batch/read", (HttpContext context, string objectType) => BatchReadAsync(services, context, objectType));
        objects.MapPost("/batch/update", (HttpContext context, string objectType) => BatchUpdateAsync(services, context, objectType));
    }

    /// <summary>The change source of API writes: the app that wrote, as HubSpot reports integrations.</summary>
    public static ChangeSource ApiSource(EmulatorOptions options) => new("API", Formats.Text(options.AppId));

    private static IResult Get(PortalStore store, IQueryCollection query, string objectType, string id)
    {
        if (ObjectType.Find(objectType) is not { } type)
        {
            return HubSpotErrors.UnknownObjectType(objectType);
        }

        if (string.Equals(query["archived"], "true", StringComparison.OrdinalIgnoreCase))
        {
            return HubSpotErrors.NotFound();
        }

        var properties = JsonResults.List(query, "properties");
        var associations = JsonResults.List(query, "associations").Select(ObjectType.Find).OfType<ObjectType>().ToList();
        var idProperty = query["idProperty"].ToString();
        var found = store.Read(data =>
            FindBy(data, type, id, idProperty) is { } obj ? ObjectJson.Render(data, obj, properties, associations: associations) : null);
        return found is null ? HubSpotErrors.NotFound() : JsonResults.Json(found);
    }

    private static IResult List(PortalStore store, IQueryCollection query, string objectType)
    {
        if (ObjectType.Find(objectType) is not { } type)
        {
            return HubSpotErrors.UnknownObjectType(objectType);
        }

        var limit = int.TryParse(query["limit"], CultureInfo.InvariantCulture, out var l) ? l : 10;
        if (limit is < 1 or > 100)
        {
            return HubSpotErrors.Validation($"limit must be between 1 and 100 (got {limit}).");
        }

        var after = long.TryParse(query["after"], CultureInfo.InvariantCulture, out var a) ? a : 0;
        var properties = JsonResults.List(query, "properties");
        var associations = JsonResults.List(query, "associations").Select(ObjectType.Find).OfType<ObjectType>().ToList();
        return JsonResults.Json(store.Read(data =>
        {
            var page = data.Objects[type].Values.Where(o => o.Id > after).Take(limit + 1).ToList();
            var body = new JsonObject
            {
                ["results"] = new JsonArray([.. page.Take(limit).Select(o => (JsonNode)ObjectJson.Render(data, o, properties, associations: associations))]),
            };
            if (page.Count > limit)
            {
                var next = Formats.Text(page[limit - 1].Id);
                body["paging"] = new JsonObject
                {
                    ["next"] = new JsonObject { ["after"] = next, ["link"] = $"https://api.hubapi.com/crm/v3/objects/{type.Name}?after={next}" },
                };
            }

            return body;
        }));
    }

    private static async Task<IResult> CreateAsync(EmulatorServices services, HttpContext context, string objectType)
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

        return services.Store.Write(w =>
        {
            var (values, errors) = PropertyValidation.Validate(w.Data, type, body["properties"] as JsonObject);
            if (errors.Count > 0)
            {
                return PropertyValidation.Rejected(errors);
            }

            if (type == ObjectType.Contacts && values.TryGetValue("email", out var email)
                && w.Data.ContactsByEmail.TryGetValue(email.ToLowerInvariant(), out var existing))
            {
                return HubSpotErrors.Result(StatusCodes.Status409Conflict, $"Contact already exists. Existing ID: {existing}", "CONFLICT");
            }

            var obj = w.Create(type, values, ApiSource(services.Options));
            return JsonResults.Json(ObjectJson.Render(w.Data, obj, [.. values.Keys]), StatusCodes.Status201Created);
        });
    }

    private static async Task<IResult> UpdateAsync(EmulatorServices services, HttpContext context, string objectType, string id)
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

        var idProperty = context.Request.Query["idProperty"].ToString();
        return services.Store.Write(w =>
        {
            if (FindBy(w.Data, type, id, idProperty) is not { } obj)
            {
                return HubSpotErrors.NotFound();
            }

            var (values, errors) = PropertyValidation.Validate(w.Data, type, body["properties"] as JsonObject);
            if (errors.Count > 0)
            {
                return PropertyValidation.Rejected(errors);
            }

            if (EmailConflict(w.Data, obj, values) is { } other)
            {
                return HubSpotErrors.Result(StatusCodes.Status409Conflict, $"Contact already exists. Existing ID: {other}", "CONFLICT");
            }

            w.Update(obj, values, ApiSource(services.Options));
            return JsonResults.Json(ObjectJson.Render(w.Data, obj, [.. values.Keys]));
        });
    }

    private static async Task<IResult> BatchReadAsync(EmulatorServices services, HttpContext context, string objectType)
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

        if (ReadInputs(body) is not { } ids)
        {
            return HubSpotErrors.Validation("inputs must be an array of {\"id\": \"...\"} objects.");
        }

        if (ids.Count > BatchLimit)
        {
            return HubSpotErrors.Validation($"Too many inputs: {ids.Count}. A batch takes at most {BatchLimit} inputs.");
        }

        var properties = (body["properties"] as JsonArray)?.Select(JsonResults.Scalar).OfType<string>().ToList() ?? [];
        var idProperty = JsonResults.Scalar(body["idProperty"]) ?? "";
        var time = services.Options.TimeProvider;
        var startedAt = Formats.Iso(time.GetUtcNow());
        return services.Store.Read(data =>
        {
            var results = new JsonArray();
            var missing = new List<string>();
            foreach (var id in ids.Distinct(StringComparer.Ordinal))
            {
                if (FindBy(data, type, id, idProperty) is { } obj)
                {
                    results.Add(ObjectJson.Render(data, obj, properties));
                }
                else
                {
                    missing.Add(id);
                }
            }

            var response = new JsonObject { ["status"] = "COMPLETE", ["results"] = results };
            if (missing.Count == 0)
            {
                response["startedAt"] = startedAt;
                response["completedAt"] = Formats.Iso(time.GetUtcNow());
                return JsonResults.Json(response);
            }

            response["numErrors"] = 1;
            response["errors"] = new JsonArray(HubSpotErrors.BatchError(
                "OBJECT_NOT_FOUND",
                $"Could not get some {type.Singular.ToUpperInvariant()} objects, they may be deleted or not exist. Check that ids are valid.",
                "ids",
                missing));
            response["startedAt"] = startedAt;
            response["completedAt"] = Formats.Iso(time.GetUtcNow());
            return JsonResults.Json(response, StatusCodes.Status207MultiStatus);
        });
    }

    private static async Task<IResult> BatchUpdateAsync(EmulatorServices services, HttpContext context, string objectType)
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

        if (body["inputs"] is not JsonArray inputs || inputs.Any(i => i is not JsonObject o || JsonResults.Scalar(o["id"]) is null))
        {
            return HubSpotErrors.Validation("inputs must be an array of {\"id\": \"...\", \"properties\": {...}} objects.");
        }

        if (inputs.Count > BatchLimit)
        {
            return HubSpotErrors.Validation($"Too many inputs: {inputs.Count}. A batch takes at most {BatchLimit} inputs.");
        }

        var updates = inputs.Select(i => (Id: JsonResults.Scalar(i!["id"])!, Properties: i!["properties"] as JsonObject)).ToList();
        var duplicates = updates.GroupBy(u => u.Id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            return HubSpotErrors.Validation($"Duplicate IDs found in batch input: [{string.Join(", ", duplicates)}]. IDs must be unique");
        }

        var idProperty = JsonResults.Scalar(body["idProperty"]) ?? "";
        var startedAt = Formats.Iso(services.Options.TimeProvider.GetUtcNow());
        return services.Store.Write(w =>
        {
            // HubSpot validates the whole batch first: one bad property and nothing is written.
            var validated = new List<(string Id, Dictionary<string, string> Values)>(updates.Count);
            var errors = new List<JsonObject>();
            foreach (var (id, properties) in updates)
            {
                var (values, problems) = PropertyValidation.Validate(w.Data, type, properties);
                errors.AddRange(problems);
                validated.Add((id, values));
            }

            if (errors.Count > 0)
            {
                return PropertyValidation.Rejected(errors.DistinctBy(e => e.ToJsonString()));
            }

            var results = new JsonArray();
            var missing = new List<string>();
            var conflicts = new List<JsonObject>();
            foreach (var (id, values) in validated)
            {
                if (FindBy(w.Data, type, id, idProperty) is not { } obj)
                {
                    missing.Add(id);
                    continue;
                }

                if (EmailConflict(w.Data, obj, values) is { } other)
                {
                    conflicts.Add(HubSpotErrors.BatchError("CONFLICT", $"Contact already exists. Existing ID: {other}", "ids", [id]));
                    continue;
                }

                w.Update(obj, values, ApiSource(services.Options));
                results.Add(ObjectJson.Render(w.Data, obj, [.. values.Keys]));
            }

            var response = new JsonObject { ["status"] = "COMPLETE", ["results"] = results };
            var batchErrors = new JsonArray([.. conflicts]);
            if (missing.Count > 0)
            {
                batchErrors.Add(HubSpotErrors.BatchError(
                    "OBJECT_NOT_FOUND",
                    $"Could not get some {type.Singular.ToUpperInvariant()} objects, they may be deleted or not exist. Check that ids are valid.",
                    "ids",
                    missing));
            }

            if (batchErrors.Count > 0)
            {
                response["numErrors"] = batchErrors.Count;
                response["errors"] = batchErrors;
            }

            response["startedAt"] = startedAt;
            response["completedAt"] = Formats.Iso(w.Now);
            return JsonResults.Json(response, batchErrors.Count > 0 ? StatusCodes.Status207MultiStatus : StatusCodes.Status200OK);
        });
    }

    /// <summary>Input ids of a batch read (<c>inputs:[{id}]</c>), or null when the shape is wrong.</summary>
    public static List<string>? ReadInputs(JsonObject body)
    {
        if (body["inputs"] is not JsonArray inputs)
        {
            return null;
        }

        var ids = new List<string>(inputs.Count);
        foreach (var input in inputs)
        {
            if (input is not JsonObject o || JsonResults.Scalar(o["id"]) is not { } id)
            {
                return null;
            }

            ids.Add(id);
        }

        return ids;
    }

    /// <summary>By record id, or by another unique property (<c>idProperty=email</c>).</summary>
    public static CrmObject? FindBy(PortalData data, ObjectType type, string id, string? idProperty)
    {
        if (string.IsNullOrEmpty(idProperty) || idProperty == "hs_object_id")
        {
            return data.Find(type, id);
        }

        if (type == ObjectType.Contacts && idProperty == "email")
        {
            return data.ContactsByEmail.TryGetValue(id.ToLowerInvariant(), out var contactId) ? data.Find(type, contactId) : null;
        }

        return data.Objects[type].Values.FirstOrDefault(o => string.Equals(o.Get(idProperty), id, StringComparison.OrdinalIgnoreCase));
    }

    private static long? EmailConflict(PortalData data, CrmObject obj, Dictionary<string, string> values) =>
        obj.Type == ObjectType.Contacts && values.TryGetValue("email", out var email) && email.Length > 0
            && data.ContactsByEmail.TryGetValue(email.ToLowerInvariant(), out var other) && other != obj.Id
            ? other
            : null;
}
