using System.Text.Json.Nodes;
using LeadScoring.HubSpotEmulator.Portal;

namespace LeadScoring.HubSpotEmulator.Api;

/// <summary>CRM v4 associations: one record's associations, and batch read.</summary>
internal static class AssociationEndpoints
{
    public const int BatchLimit = 1_000;

    public static void MapAssociations(this IEndpointRouteBuilder app, EmulatorServices services)
    {
        var store = services.Store;
        app.MapGet("/crm/v4/objects/{fromType}/{id}/associations/{toType}", (string fromType, string id, string toType) => List(store, fromType, id, toType));
        app.MapPost("/crm/v4/associations/{fromType}/{toType}/batch/read", (HttpContext context, string fromType, string toType) => BatchReadAsync(store, context, fromType, toType));
    }

    private static IResult List(PortalStore store, string fromType, string id, string toType)
    {
        if (ObjectType.Find(fromType) is not { } from)
        {
            return HubSpotErrors.UnknownObjectType(fromType);
        }

        if (ObjectType.Find(toType) is not { } to)
        {
            return HubSpotErrors.UnknownObjectType(toType);
        }

        return JsonResults.Json(store.Read(data =>
        {
            var obj = data.Find(from, id);
            var results = obj is null || !AssociationTypes.Exists(from, to) ? new JsonArray() : To(data, from, obj.Id, to);
            return new JsonObject { ["results"] = results };
        }));
    }

    private static async Task<IResult> BatchReadAsync(PortalStore store, HttpContext context, string fromType, string toType)
    {
        if (ObjectType.Find(fromType) is not { } from)
        {
            return HubSpotErrors.UnknownObjectType(fromType);
        }

        if (ObjectType.Find(toType) is not { } to)
        {
            return HubSpotErrors.UnknownObjectType(toType);
        }

        var (body, error) = await JsonResults.ReadObjectAsync(context.Request, context.RequestAborted);
        if (body is null)
        {
            return error!;
        }

        if (ObjectEndpoints.ReadInputs(body) is not { } ids)
        {
            return HubSpotErrors.Validation("inputs must be an array of {\"id\": \"...\"} objects.");
        }

        if (ids.Count > BatchLimit)
        {
            return HubSpotErrors.Validation($"Too many inputs: {ids.Count}. An association batch read takes at most {BatchLimit} inputs.");
        }

        return store.Read(data =>
        {
            var results = new JsonArray();
            var errors = new JsonArray();
            foreach (var id in ids.Distinct(StringComparer.Ordinal))
            {
                var obj = data.Find(from, id);
                var targets = obj is null || !AssociationTypes.Exists(from, to) ? new JsonArray() : To(data, from, obj.Id, to);
                if (targets.Count > 0)
                {
                    results.Add(new JsonObject { ["from"] = new JsonObject { ["id"] = id }, ["to"] = targets });
                    continue;
                }

                // HubSpot reports an input without associations (or an unknown id) as an error of a 207, not as an empty list.
                var error = HubSpotErrors.BatchError(
                    "OBJECT_NOT_FOUND", $"No {to.Singular} is associated with {from.Singular} {id}.", "fromObjectId", [id], "crm.associations.NO_ASSOCIATIONS_FOUND");
                error["context"]!["toObjectType"] = new JsonArray(to.Singular);
                errors.Add(error);
            }

            var response = new JsonObject { ["status"] = "COMPLETE", ["results"] = results };
            if (errors.Count == 0)
            {
                return JsonResults.Json(response);
            }

            response["numErrors"] = errors.Count;
            response["errors"] = errors;
            return JsonResults.Json(response, StatusCodes.Status207MultiStatus);
        });
    }

    private static JsonArray To(PortalData data, ObjectType from, long id, ObjectType to) =>
        [.. data.Associated(from, id, to).Select(pair => (JsonNode)new JsonObject
        {
            ["toObjectId"] = pair.Key,
            ["associationTypes"] = new JsonArray([.. AssociationTypes.For(from, to, pair.Value).Select(t => (JsonNode)new JsonObject
            {
                ["category"] = "HUBSPOT_DEFINED",
                ["typeId"] = t.TypeId,
                ["label"] = t.Label,
            })]),
        })];
}
