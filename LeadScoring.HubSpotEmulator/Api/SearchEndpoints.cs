using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LeadScoring.HubSpotEmulator.Portal;

namespace LeadScoring.HubSpotEmulator.Api;

/// <summary><c>POST /crm/v3/objects/{type}/search</c>: filter groups, one sort, offset paging capped at 10,000 results.</summary>
internal static class SearchEndpoints
{
    private static readonly string[] TextProperties =
        ["firstname", "lastname", "email", "phone", "company", "name", "domain", "dealname", "hs_email_subject", "hs_meeting_title", "hs_call_title", "hs_note_body"];

    public static void MapSearch(this IEndpointRouteBuilder app, EmulatorServices services) =>
        app.MapPost("/crm/v3/objects/{objectType}/search", (HttpContext context, string objectType) => SearchAsync(services.Store, context, objectType));

    /// <summary>True for the search route, which has its own rate limit and no rate-limit headers.</summary>
    public static bool IsSearch(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && request.Path.StartsWithSegments("/crm/v3/objects", StringComparison.OrdinalIgnoreCase)
        && request.Path.Value!.EndsWith("/search", StringComparison.OrdinalIgnoreCase);

    private static async Task<IResult> SearchAsync(PortalStore store, HttpContext context, string objectType)
    {
        if (ObjectType.Find(objectType) is not { } type)
        {
            return HubSpotErrors.UnknownObjectType(objectType);
        }

        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        if (text.Length > SearchQuery.MaxBodyChars)
        {
            return HubSpotErrors.Validation($"The request body is {text.Length} characters; search takes at most {SearchQuery.MaxBodyChars}.");
        }

        JsonObject? body;
        try
        {
            body = (text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)) as JsonObject;
        }
        catch (JsonException e)
        {
            return HubSpotErrors.Validation($"Invalid input JSON: {e.Message}");
        }

        if (body is null)
        {
            return HubSpotErrors.Validation("Invalid input JSON: expected an object.");
        }

        var (query, error) = SearchQuery.Parse(body);
        return query is null ? HubSpotErrors.Validation(error!) : JsonResults.Json(store.Read(data => Execute(data, type, query)));
    }

    public static JsonObject Execute(PortalData data, ObjectType type, SearchQuery query)
    {
        var definitions = data.Properties[type];
        var groups = query.FilterGroups.Select(g => g.Select(f => Compile(data, type, definitions, f)).ToList()).ToList();
        IEnumerable<CrmObject> matches = data.Objects[type].Values;
        if (groups.Count > 0)
        {
            matches = matches.Where(o => groups.Any(g => g.All(f => f(o))));
        }

        if (query.Query is { } text)
        {
            matches = matches.Where(o => TextProperties.Any(p => o.Get(p)?.Contains(text, StringComparison.OrdinalIgnoreCase) == true));
        }

        var list = matches.ToList();
        if (query.SortProperty is { } sort)
        {
            var definition = definitions.GetValueOrDefault(sort);
            var keyed = list.Select(o => (Object: o, Key: SortKey(definition, o.Get(sort)))).ToList();
            var withValueFirst = keyed.OrderBy(k => k.Key.Rank == 2);
            var ordered = query.Descending
                ? withValueFirst.ThenByDescending(k => k.Key, SortKeyComparer.Instance)
                : withValueFirst.ThenBy(k => k.Key, SortKeyComparer.Instance);
            list = [.. ordered.ThenBy(k => k.Object.Id).Select(k => k.Object)];
        }

        var page = list.Skip(query.After).Take(query.Limit);
        var body = new JsonObject
        {
            ["total"] = list.Count,
            ["results"] = new JsonArray([.. page.Select(o => (JsonNode)ObjectJson.Render(data, o, query.Properties, nullForEmpty: true))]),
        };
        var next = query.After + query.Limit;
        if (query.Limit > 0 && next < list.Count)
        {
            body["paging"] = new JsonObject { ["next"] = new JsonObject { ["after"] = next.ToString(CultureInfo.InvariantCulture) } };
        }

        return body;
    }

    private static Func<CrmObject, bool> Compile(PortalData data, ObjectType type, Dictionary<string, PropertyDefinition> definitions, SearchFilter filter)
    {
        // associations.{type} = id: records associated with that record (e.g. emails of one contact).
        if (filter.PropertyName.StartsWith("associations.", StringComparison.OrdinalIgnoreCase))
        {
            var other = ObjectType.Find(filter.PropertyName["associations.".Length..]);
            var ids = filter.Operator == "IN" ? filter.Values : [filter.Value ?? ""];
            var associated = new HashSet<long>();
            if (other is not null)
            {
                foreach (var id in ids)
                {
                    if (long.TryParse(id, CultureInfo.InvariantCulture, out var otherId))
                    {
                        associated.UnionWith(data.Associated(other, otherId, type).Keys);
                    }
                }
            }

            return filter.Operator is "NEQ" or "NOT_IN" ? o => !associated.Contains(o.Id) : o => associated.Contains(o.Id);
        }

        var definition = definitions.GetValueOrDefault(filter.PropertyName);
        var name = filter.PropertyName;
        var value = filter.Value ?? "";
        bool Is(CrmObject o, Func<int, bool> test) => o.Get(name) is { } actual && PropertyValues.Compare(definition, actual, value) is { } c && test(c);
        bool Equal(string actual, string wanted) => PropertyValues.Compare(definition, actual, wanted) == 0;

        return filter.Operator switch
        {
            "EQ" => o => Is(o, c => c == 0),
            "NEQ" => o => !Is(o, c => c == 0),
            "LT" => o => Is(o, c => c < 0),
            "LTE" => o => Is(o, c => c <= 0),
            "GT" => o => Is(o, c => c > 0),
            "GTE" => o => Is(o, c => c >= 0),
            "BETWEEN" => o => Is(o, c => c >= 0) && o.Get(name) is { } actual && PropertyValues.Compare(definition, actual, filter.HighValue!) <= 0,
            "IN" => o => o.Get(name) is { } actual && filter.Values.Any(v => Equal(actual, v)),
            "NOT_IN" => o => o.Get(name) is not { } actual || !filter.Values.Any(v => Equal(actual, v)),
            "HAS_PROPERTY" => o => o.Get(name) is not null,
            "NOT_HAS_PROPERTY" => o => o.Get(name) is null,
            "CONTAINS_TOKEN" => ContainsToken(name, value),
            _ => o => !ContainsToken(name, value)(o),
        };
    }

    /// <summary>A token match; <c>*</c> is a wildcard over the whole value.</summary>
    private static Func<CrmObject, bool> ContainsToken(string name, string token)
    {
        if (token.Contains('*', StringComparison.Ordinal))
        {
            var pattern = new Regex("^" + Regex.Escape(token).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            return o => o.Get(name) is { } actual && pattern.IsMatch(actual);
        }

        return o => o.Get(name) is { } actual
            && actual.Split([' ', ',', ';', '.', '@', '-', '_', '/', ':', '(', ')'], StringSplitOptions.RemoveEmptyEntries)
                .Any(t => string.Equals(t, token, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Dates as instants, numbers as numbers, the rest as text; records without the property sort last.</summary>
    private static (int Rank, decimal Number, string Text) SortKey(PropertyDefinition? definition, string? value)
    {
        if (value is null)
        {
            return (2, 0, "");
        }

        if (definition?.Type is "datetime" or "date" && PropertyValues.ParseInstant(value) is { } at)
        {
            return (0, at.ToUnixTimeMilliseconds(), "");
        }

        if (definition?.Type is "number" or "datetime" or "date" && decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
        {
            return (0, n, "");
        }

        return (1, 0, value);
    }

    private sealed class SortKeyComparer : IComparer<(int Rank, decimal Number, string Text)>
    {
        public static readonly SortKeyComparer Instance = new();

        public int Compare((int Rank, decimal Number, string Text) x, (int Rank, decimal Number, string Text) y)
        {
            var byRank = x.Rank.CompareTo(y.Rank);
            if (byRank != 0)
            {
                return byRank;
            }

            var byNumber = x.Number.CompareTo(y.Number);
            return byNumber != 0 ? byNumber : string.Compare(x.Text, y.Text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
