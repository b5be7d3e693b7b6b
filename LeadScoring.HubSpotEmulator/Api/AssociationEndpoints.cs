using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeadScoring.HubSpotEmulator.Portal;

namespace LeadScoring.HubSpotEmulator.Api;

/// <summary>
/// CRM v4 associations: one record's associations and batch read, both paged as HubSpot pages them — at most 500
/// associated records per page, the rest behind an opaque <c>paging.next.after</c> cursor.
/// </summary>
internal static class AssociationEndpoints
{
    public const int BatchLimit = 1_000;

    /// <summary>HubSpot's page size for v4 association reads: the default and the maximum.</summary>
    public const int PageLimit = 500;

    public static void MapAssociations(this IEndpointRouteBuilder app, EmulatorServices services)
    {
        var store = services.Store;
        app.MapGet("/crm/v4/objects/{fromType}/{id}/associations/{toType}", (HttpContext context, string fromType, string id, string toType) =>
            List(store, context.Request.Query, fromType, id, toType));
        app.MapPost("/crm/v4/associations/{fromType}/{toType}/batch/read", (HttpContext context, string fromType, string toType) => BatchReadAsync(store, context, fromType, toType));
    }

    private static IResult List(PortalStore store, IQueryCollection query, string fromType, string id, string toType)
    {
        if (ObjectType.Find(fromType) is not { } from)
        {
            return HubSpotErrors.UnknownObjectType(fromType);
        }

        if (ObjectType.Find(toType) is not { } to)
        {
            return HubSpotErrors.UnknownObjectType(toType);
        }

        var limit = PageLimit;
        if (query.ContainsKey("limit")
            && (!int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > PageLimit))
        {
            return Invalid("limit", $"limit must be an integer from 1 to {PageLimit} (got '{query["limit"]}').");
        }

        long? anchor = null;
        if (query.TryGetValue("after", out var after))
        {
            if (Cursor.Read(after.ToString(), from, id, to) is not { } a)
            {
                return InvalidCursor(after.ToString(), from, id, to);
            }

            anchor = a;
        }

        return JsonResults.Json(store.Read(data =>
        {
            var obj = data.Find(from, id);
            var (results, next) = obj is null || !AssociationTypes.Exists(from, to) ? ([], null) : Page(data, from, obj.Id, to, anchor, limit);
            var body = new JsonObject { ["results"] = results };
            if (next is { } last)
            {
                body["paging"] = Paging(from, obj!.Id, to, last);
            }

            return body;
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

        if (ReadInputs(body) is not { } inputs)
        {
            return HubSpotErrors.Validation("inputs must be an array of {\"id\": \"...\", \"after\": \"...\"} objects (after is optional and a string).");
        }

        if (inputs.Count > BatchLimit)
        {
            return HubSpotErrors.Validation($"Too many inputs: {inputs.Count}. An association batch read takes at most {BatchLimit} inputs.");
        }

        // HubSpot rejects the whole batch when one input carries a cursor it did not hand out for that record.
        var pages = new List<(string Id, long? Anchor)>(inputs.Count);
        foreach (var (id, after) in inputs.Distinct())
        {
            if (after is null)
            {
                pages.Add((id, null));
            }
            else if (Cursor.Read(after, from, id, to) is { } anchor)
            {
                pages.Add((id, anchor));
            }
            else
            {
                return InvalidCursor(after, from, id, to);
            }
        }

        return store.Read(data =>
        {
            var results = new JsonArray();
            var errors = new JsonArray();
            foreach (var (id, anchor) in pages)
            {
                var obj = data.Find(from, id);
                var (targets, next) = obj is null || !AssociationTypes.Exists(from, to) ? ([], null) : Page(data, from, obj.Id, to, anchor, PageLimit);
                if (targets.Count > 0)
                {
                    var result = new JsonObject { ["from"] = new JsonObject { ["id"] = id }, ["to"] = targets };
                    if (next is { } last)
                    {
                        result["paging"] = Paging(from, obj!.Id, to, last);
                    }

                    results.Add(result);
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

    /// <summary>Batch inputs <c>[{id, after?}]</c>, or null when the shape is wrong.</summary>
    private static List<(string Id, string? After)>? ReadInputs(JsonObject body)
    {
        if (body["inputs"] is not JsonArray inputs)
        {
            return null;
        }

        var read = new List<(string, string?)>(inputs.Count);
        foreach (var input in inputs)
        {
            if (input is not JsonObject o || JsonResults.Scalar(o["id"]) is not { } id)
            {
                return null;
            }

            var after = o["after"];
            if (after is not null && (after is not JsonValue value || value.GetValueKind() != JsonValueKind.String))
            {
                return null;
            }

            read.Add((id, after?.GetValue<string>()));
        }

        return read;
    }

    /// <summary>Up to <paramref name="limit"/> associated records after the anchor (ascending ids), and the anchor of the next page if there is one.</summary>
    private static (JsonArray Results, long? Next) Page(PortalData data, ObjectType from, long id, ObjectType to, long? anchor, int limit)
    {
        var page = data.Associated(from, id, to).Where(pair => anchor is null || pair.Key > anchor).Take(limit + 1).ToList();
        JsonArray results = [.. page.Take(limit).Select(pair => (JsonNode)new JsonObject
        {
            ["toObjectId"] = pair.Key,
            ["associationTypes"] = new JsonArray([.. AssociationTypes.For(from, to, pair.Value).Select(t => (JsonNode)new JsonObject
            {
                ["category"] = "HUBSPOT_DEFINED",
                ["typeId"] = t.TypeId,
                ["label"] = t.Label,
            })]),
        })];
        return (results, page.Count > limit ? page[limit - 1].Key : null);
    }

    private static JsonObject Paging(ObjectType from, long id, ObjectType to, long last)
    {
        var after = Cursor.Write(from, id, to, last);
        return new JsonObject
        {
            ["next"] = new JsonObject
            {
                ["after"] = after,
                ["link"] = $"https://api.hubapi.com/crm/v4/objects/{from.Name}/{Formats.Text(id)}/associations/{to.Name}?after={Uri.EscapeDataString(after)}",
            },
        };
    }

    private static IResult InvalidCursor(string after, ObjectType from, string id, ObjectType to) =>
        Invalid("after", $"Invalid input: after '{after}' is not a paging cursor for the {to.Singular} associations of {from.Singular} {id}; pass paging.next.after from the previous page as it is.");

    private static IResult Invalid(string field, string message) =>
        HubSpotErrors.Validation(message, [new JsonObject { ["message"] = message, ["in"] = field }]);

    /// <summary>
    /// The opaque <c>after</c>: base64url of <c>v4a:{from}:{fromId}:{to}:{lastToObjectId}</c>. Keyset on the last id
    /// shown, so a page is not skipped or repeated when associations are added meanwhile; bound to its record, so a
    /// cursor from another record or type is refused rather than silently reused.
    /// </summary>
    private static class Cursor
    {
        private const string Prefix = "v4a";

        public static string Write(ObjectType from, long id, ObjectType to, long last) =>
            Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join(':', Prefix, from.Name, Formats.Text(id), to.Name, Formats.Text(last))));

        /// <summary>The anchor, or null when the cursor is not one this endpoint handed out for (from, id, to).</summary>
        public static long? Read(string after, ObjectType from, string id, ObjectType to)
        {
            string text;
            try
            {
                text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(after));
            }
            catch (FormatException)
            {
                return null;
            }

            var parts = text.Split(':');
            return parts.Length == 5 && parts[0] == Prefix && parts[1] == from.Name && parts[3] == to.Name
                && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var cursorId)
                && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var inputId) && cursorId == inputId
                && long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
                ? last
                : null;
        }
    }
}
