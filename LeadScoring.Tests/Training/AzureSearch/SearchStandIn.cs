using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Search.Documents;
using Azure.Search.Documents.Indexes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeadScoring.Tests.Training.AzureSearch;

/// <summary>
/// A local stand-in for Azure AI Search (REST api-version 2023-11-01) on Kestrel at 127.0.0.1, over in-memory indexes:
/// <c>GET/PUT /indexes('name')</c>, <c>GET /indexes('name')/docs('key')</c>, <c>POST …/docs/search.index</c> and
/// <c>POST …/docs/search.post.search</c> (filters, <c>$count</c>, orderby, select, and one vector query scored as Azure
/// scores cosine: 1 / (2 − cosine)). It checks what the service checks for these calls (api key, api-version, index
/// definition, unknown or non-filterable fields, vector lengths, OData syntax) and records every request.
/// </summary>
internal sealed partial class SearchStandIn : IAsyncDisposable
{
    public const string AdminKey = "stand-in-admin-key";
    public const string ApiVersion = "2023-11-01";

    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StandInIndex> _indexes = new(StringComparer.Ordinal);
    private readonly List<RecordedRequest> _requests = [];
    private readonly Queue<(int Status, string Message)> _faults = new();
    private readonly HashSet<string> _rejectedKeys = new(StringComparer.Ordinal);

    private SearchStandIn(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Endpoint = new UriBuilder(address) { Scheme = Uri.UriSchemeHttps }.Uri;
    }

    /// <summary>Where it listens (http).</summary>
    public Uri Address { get; }

    /// <summary>The https form the SDK insists on; <see cref="CreateClient"/> turns it back into http on the wire.</summary>
    public Uri Endpoint { get; }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<SearchStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        SearchStandIn? standIn = null;
        app.Run(context => standIn!.HandleAsync(context));
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        standIn = new SearchStandIn(app, address);
        return standIn;
    }

    /// <summary>The SDK's client aimed here: https endpoint rewritten to http per try, no retries.</summary>
    public SearchIndexClient CreateClient(string apiKey = AdminKey)
    {
        var options = new SearchClientOptions(SearchClientOptions.ServiceVersion.V2023_11_01);
        options.Retry.MaxRetries = 0;
        options.AddPolicy(new PlainHttpPolicy(), HttpPipelinePosition.PerRetry);
        return new SearchIndexClient(Endpoint, new AzureKeyCredential(apiKey), options);
    }

    /// <summary>The next request (whatever it is) is answered with this status and an Azure-shaped error.</summary>
    public void FailNext(int status, string message)
    {
        lock (_gate)
        {
            _faults.Enqueue((status, message));
        }
    }

    /// <summary>Indexing actions for this key fail (status false, 400) while the rest of the batch succeeds: HTTP 207.</summary>
    public void RejectKey(string key)
    {
        lock (_gate)
        {
            _rejectedKeys.Add(key);
        }
    }

    /// <summary>The stored definition, as the client sent it.</summary>
    public JsonObject? IndexDefinition(string name)
    {
        lock (_gate)
        {
            return _indexes.TryGetValue(name, out var index) ? (JsonObject)index.Definition.DeepClone() : null;
        }
    }

    /// <summary>The stored documents of an index, by key.</summary>
    public Dictionary<string, JsonObject> Documents(string name)
    {
        lock (_gate)
        {
            return _indexes[name].Documents.ToDictionary(d => d.Key, d => (JsonObject)d.Value.DeepClone(), StringComparer.Ordinal);
        }
    }

    public void ClearRequests()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var body = request.ContentLength is > 0 || request.Method is "POST" or "PUT"
            ? await new StreamReader(request.Body).ReadToEndAsync(context.RequestAborted)
            : "";
        var path = request.Path.Value ?? "";
        JsonNode? json = null;
        try
        {
            json = body.Length > 0 ? JsonNode.Parse(body) : null;
        }
        catch (JsonException)
        {
        }

        (int Status, JsonNode? Body) reply;
        lock (_gate)
        {
            _requests.Add(new RecordedRequest(request.Method, path, request.QueryString.Value ?? "", request.Query["api-version"].ToString(), json));
            reply = Answer(request.Method, path, request.Query, request.Headers["api-key"].ToString(), body, json);
        }

        context.Response.StatusCode = reply.Status;
        if (reply.Body is not null)
        {
            context.Response.ContentType = "application/json; odata.metadata=minimal";
            await context.Response.WriteAsync(reply.Body.ToJsonString(), context.RequestAborted);
        }
    }

    private (int Status, JsonNode? Body) Answer(string method, string path, IQueryCollection query, string apiKey, string body, JsonNode? json)
    {
        if (apiKey != AdminKey)
        {
            return Error(403, "Authentication failed: the api-key header is missing or wrong.");
        }

        if (query["api-version"] != ApiVersion)
        {
            return Error(400, $"Invalid or missing api-version query string parameter (this stand-in speaks {ApiVersion}).");
        }

        if (_faults.TryDequeue(out var fault))
        {
            return Error(fault.Status, fault.Message);
        }

        if (body.Length > 0 && json is null)
        {
            return Error(400, "The request body is not valid JSON.");
        }

        try
        {
            if (IndexPath().Match(path) is { Success: true } indexMatch)
            {
                var name = indexMatch.Groups[1].Value;
                return method switch
                {
                    "GET" => _indexes.TryGetValue(name, out var existing) ? (200, existing.Definition.DeepClone()) : Error(404, $"No index with the name '{name}' was found in the service 'stand-in'."),
                    "PUT" => PutIndex(name, query, json as JsonObject),
                    _ => Error(405, $"{method} is not handled by the stand-in."),
                };
            }

            if (DocumentPath().Match(path) is { Success: true } documentMatch && method == "GET")
            {
                var index = Index(documentMatch.Groups[1].Value);
                var key = documentMatch.Groups[2].Value.Replace("''", "'", StringComparison.Ordinal);
                return index.Documents.TryGetValue(key, out var document)
                    ? (200, index.Project(document, query["$select"].ToString() is { Length: > 0 } select ? select : null))
                    : Error(404, $"Document '{key}' was not found.");
            }

            if (DocsActionPath().Match(path) is { Success: true } actionMatch && method == "POST")
            {
                var index = Index(actionMatch.Groups[1].Value);
                var body2 = json as JsonObject ?? throw new BadRequestException("A request body is required.");
                return actionMatch.Groups[2].Value switch
                {
                    "search.index" => IndexDocuments(index, body2),
                    "search.post.search" => (200, index.Search(body2)),
                    var other => Error(404, $"docs/{other} is not handled by the stand-in."),
                };
            }

            return Error(404, $"The stand-in does not serve {method} {path}.");
        }
        catch (NotFoundException ex)
        {
            return Error(404, ex.Message);
        }
        catch (BadRequestException ex)
        {
            return Error(400, ex.Message);
        }
    }

    private StandInIndex Index(string name) =>
        _indexes.TryGetValue(name, out var index) ? index : throw new NotFoundException($"No index with the name '{name}' was found in the service 'stand-in'.");

    private (int, JsonNode?) PutIndex(string name, IQueryCollection query, JsonObject? definition)
    {
        if (definition is null)
        {
            throw new BadRequestException("An index definition is required.");
        }

        if (query["allowIndexDowntime"] is { Count: > 0 } downtime && downtime != "false")
        {
            throw new BadRequestException("The stand-in only updates indexes without downtime.");
        }

        if ((string?)definition["name"] != name)
        {
            throw new BadRequestException($"The index name in the body ('{definition["name"]}') must match the one in the URL ('{name}').");
        }

        var index = new StandInIndex(definition);
        var existed = _indexes.TryGetValue(name, out var old);
        if (existed)
        {
            // As the service: an existing field cannot change its type or dimensions.
            foreach (var field in old!.Definition["fields"]!.AsArray())
            {
                var changed = definition["fields"]!.AsArray().FirstOrDefault(f => (string?)f!["name"] == (string?)field!["name"]);
                if (changed is null || (string?)changed["type"] != (string?)field!["type"] || (int?)changed["dimensions"] != (int?)field["dimensions"])
                {
                    throw new BadRequestException($"Existing field '{field!["name"]}' cannot be changed or removed.");
                }
            }

            foreach (var (key, document) in old!.Documents)
            {
                index.Documents[key] = document;
            }
        }

        _indexes[name] = index;
        var reply = (JsonObject)definition.DeepClone();
        reply["@odata.etag"] = $"\"0x{index.GetHashCode():X8}\"";
        return (existed ? 200 : 201, reply);
    }

    private (int, JsonNode?) IndexDocuments(StandInIndex index, JsonObject body)
    {
        var actions = body["value"] as JsonArray ?? throw new BadRequestException("The request must have a 'value' array of indexing actions.");
        if (actions.Count > 1000)
        {
            throw new BadRequestException($"The request has {actions.Count} actions; at most 1000 are allowed.");
        }

        var parsed = actions.Select(a => index.CheckAction(a as JsonObject ?? throw new BadRequestException("An indexing action must be an object."))).ToList();
        var results = new JsonArray();
        var allSucceeded = true;
        foreach (var (action, key, document) in parsed)
        {
            var (ok, status, message) = _rejectedKeys.Contains(key) ? (false, 400, "Rejected by the stand-in on request.") : index.Apply(action, key, document);
            allSucceeded &= ok;
            results.Add(new JsonObject { ["key"] = key, ["status"] = ok, ["errorMessage"] = message, ["statusCode"] = status });
        }

        return (allSucceeded ? 200 : 207, new JsonObject { ["value"] = results });
    }

    private static (int, JsonNode?) Error(int status, string message) =>
        (status, new JsonObject { ["error"] = new JsonObject { ["code"] = "", ["message"] = message } });

    [GeneratedRegex(@"^/indexes\('([^']+)'\)$")]
    private static partial Regex IndexPath();

    [GeneratedRegex(@"^/indexes\('([^']+)'\)/docs\('(.*)'\)$")]
    private static partial Regex DocumentPath();

    [GeneratedRegex(@"^/indexes\('([^']+)'\)/docs/([a-z.]+)$")]
    private static partial Regex DocsActionPath();

    /// <summary>One request as received; <see cref="Body"/> is null when there was none.</summary>
    internal sealed record RecordedRequest(string Method, string Path, string Query, string ApiVersion, JsonNode? Body);

    private sealed class PlainHttpPolicy : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => message.Request.Uri.Scheme = Uri.UriSchemeHttp;
    }

    private sealed class BadRequestException(string message) : Exception(message);

    private sealed class NotFoundException(string message) : Exception(message);

    /// <summary>An index: its definition (fields, vector profiles) and its documents.</summary>
    private sealed class StandInIndex
    {
        private readonly Dictionary<string, JsonObject> _fields = new(StringComparer.Ordinal);
        private readonly string _key;

        public StandInIndex(JsonObject definition)
        {
            Definition = definition;
            var fields = definition["fields"] as JsonArray ?? throw new BadRequestException("An index needs a 'fields' array.");
            foreach (var field in fields.Select(f => f as JsonObject ?? throw new BadRequestException("A field must be an object.")))
            {
                var name = (string?)field["name"] ?? throw new BadRequestException("A field needs a name.");
                if (!_fields.TryAdd(name, field))
                {
                    throw new BadRequestException($"Field '{name}' is defined twice.");
                }
            }

            var keys = _fields.Values.Where(f => (bool?)f["key"] == true).ToList();
            if (keys.Count != 1 || (string?)keys[0]["type"] != "Edm.String")
            {
                throw new BadRequestException("An index needs exactly one key field, of type Edm.String.");
            }

            _key = (string)keys[0]["name"]!;
            var profiles = (definition["vectorSearch"]?["profiles"] as JsonArray ?? []).ToDictionary(p => (string)p!["name"]!, p => (string?)p!["algorithm"]);
            var algorithms = (definition["vectorSearch"]?["algorithms"] as JsonArray ?? []).ToDictionary(a => (string)a!["name"]!, a => a!);
            foreach (var (name, field) in _fields.Where(f => (string?)f.Value["type"] == "Collection(Edm.Single)"))
            {
                var dimensions = (int?)field["dimensions"] ?? throw new BadRequestException($"Vector field '{name}' needs 'dimensions'.");
                if (dimensions is < 1 or > 3072)
                {
                    throw new BadRequestException($"Vector field '{name}' has {dimensions} dimensions; 1–3072 are allowed.");
                }

                if ((bool?)field["searchable"] != true)
                {
                    throw new BadRequestException($"Vector field '{name}' must be searchable.");
                }

                var profile = (string?)field["vectorSearchProfile"] ?? throw new BadRequestException($"Vector field '{name}' needs a vectorSearchProfile.");
                if (!profiles.TryGetValue(profile, out var algorithm) || algorithm is null || !algorithms.TryGetValue(algorithm, out var configuration))
                {
                    throw new BadRequestException($"Vector field '{name}' refers to profile '{profile}', which is not defined with an existing algorithm.");
                }

                var metric = (string?)configuration["hnswParameters"]?["metric"] ?? (string?)configuration["exhaustiveKnnParameters"]?["metric"] ?? "cosine";
                if (metric != "cosine")
                {
                    throw new BadRequestException($"The stand-in scores the cosine metric only (profile '{profile}' uses '{metric}').");
                }
            }
        }

        public JsonObject Definition { get; }

        public Dictionary<string, JsonObject> Documents { get; } = new(StringComparer.Ordinal);

        public (string Action, string Key, JsonObject Document) CheckAction(JsonObject action)
        {
            var kind = (string?)action["@search.action"] ?? "upload";
            var key = (string?)action[_key] ?? throw new BadRequestException($"An indexing action has no key field '{_key}'.");
            var document = new JsonObject();
            foreach (var (name, value) in action)
            {
                if (name == "@search.action")
                {
                    continue;
                }

                if (!_fields.TryGetValue(name, out var field))
                {
                    throw new BadRequestException($"The request is invalid. Details: The property '{name}' does not exist on type 'search.documentFields'.");
                }

                if ((string?)field["type"] == "Collection(Edm.Single)" && value is JsonArray vector && vector.Count != (int)field["dimensions"]!)
                {
                    throw new BadRequestException($"The vector field '{name}' must have dimension {field["dimensions"]}, but has {vector.Count}.");
                }

                document[name] = value?.DeepClone();
            }

            if (kind is not ("upload" or "merge" or "mergeOrUpload" or "delete"))
            {
                throw new BadRequestException($"Unknown @search.action '{kind}'.");
            }

            return (kind, key, document);
        }

        public (bool Ok, int Status, string? Message) Apply(string action, string key, JsonObject document)
        {
            if (key.Length is 0 or > 1024 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '='))
            {
                return (false, 400, $"Invalid document key: '{key}'. Keys can only contain letters, digits, underscore (_), dash (-), or equal sign (=).");
            }

            switch (action)
            {
                case "delete":
                    Documents.Remove(key);
                    return (true, 200, null);
                case "upload":
                    var created = !Documents.ContainsKey(key);
                    Documents[key] = document;
                    return (true, created ? 201 : 200, null);
                case "merge" when !Documents.ContainsKey(key):
                    return (false, 404, $"Document not found: '{key}'.");
                default:
                    if (Documents.TryGetValue(key, out var existing))
                    {
                        foreach (var (name, value) in document)
                        {
                            existing[name] = value?.DeepClone();
                        }

                        return (true, 200, null);
                    }

                    Documents[key] = document;
                    return (true, 201, null);
            }
        }

        public JsonObject Search(JsonObject body)
        {
            var filter = (string?)body["filter"] is { } text ? ODataFilter.Parse(text, _fields) : (_ => true);
            var candidates = Documents.Values.AsEnumerable();
            var vectorQueries = body["vectorQueries"] as JsonArray ?? [];
            var postFilter = (string?)body["vectorFilterMode"] == "postFilter";
            var search = (string?)body["search"];
            if (search is not (null or "*") && vectorQueries.Count == 0)
            {
                throw new BadRequestException("The stand-in answers only '*' text searches.");
            }

            List<(JsonObject Document, double Score)> ranked;
            if (vectorQueries.Count == 0)
            {
                ranked = [.. candidates.Where(filter).Select(d => (d, 1.0))];
                ranked = Order(ranked, (string?)body["orderby"]);
            }
            else
            {
                if (vectorQueries.Count > 1 || search is not (null or "*"))
                {
                    throw new BadRequestException("The stand-in answers one vector query alone (no hybrid or multi-vector fusion).");
                }

                var vectorQuery = vectorQueries[0] as JsonObject ?? throw new BadRequestException("A vector query must be an object.");
                if ((string?)vectorQuery["kind"] != "vector")
                {
                    throw new BadRequestException($"Vector query kind '{vectorQuery["kind"]}' is not handled by the stand-in.");
                }

                var fieldName = (string?)vectorQuery["fields"] ?? throw new BadRequestException("A vector query needs 'fields'.");
                if (!_fields.TryGetValue(fieldName, out var field) || (string?)field["type"] != "Collection(Edm.Single)")
                {
                    throw new BadRequestException($"'{fieldName}' is not a vector field.");
                }

                var k = (int?)vectorQuery["k"] ?? throw new BadRequestException("A vector query needs 'k'.");
                var query = (vectorQuery["vector"] as JsonArray ?? throw new BadRequestException("A vector query needs 'vector'.")).Select(v => (double)v!).ToArray();
                if (query.Length != (int)field["dimensions"]!)
                {
                    throw new BadRequestException($"The vector query's 'vector' property has {query.Length} dimensions; field '{fieldName}' has {field["dimensions"]}.");
                }

                ranked = [.. (postFilter ? candidates : candidates.Where(filter))
                    .Where(d => d[fieldName] is JsonArray)
                    .Select(d => (d, Score: 1 / (2 - Cosine(query, (JsonArray)d[fieldName]!))))
                    .OrderByDescending(m => m.Score).ThenBy(m => (string)m.d[_key]!, StringComparer.Ordinal)
                    .Take(k)];
                if (postFilter)
                {
                    ranked = [.. ranked.Where(m => filter(m.Document))];
                }
            }

            var count = ranked.Count;
            var skip = (int?)body["skip"] ?? 0;
            var top = (int?)body["top"] ?? 50;
            var select = (string?)body["select"];
            var value = new JsonArray();
            foreach (var (document, score) in ranked.Skip(skip).Take(top))
            {
                var projected = Project(document, select);
                projected["@search.score"] = score;
                value.Add(projected);
            }

            var reply = new JsonObject();
            if ((bool?)body["count"] == true)
            {
                reply["@odata.count"] = count;
            }

            reply["value"] = value;
            return reply;
        }

        public JsonObject Project(JsonObject document, string? select)
        {
            var names = select is null
                ? _fields.Keys.Where(n => (bool?)_fields[n]["retrievable"] != false)
                : select.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var projected = new JsonObject();
            foreach (var name in names)
            {
                if (!_fields.TryGetValue(name, out var field))
                {
                    throw new BadRequestException($"Invalid expression: Could not find a property named '{name}' on type 'search.document'.");
                }

                if ((bool?)field["retrievable"] != false)
                {
                    projected[name] = document[name]?.DeepClone();
                }
            }

            return projected;
        }

        private List<(JsonObject Document, double Score)> Order(List<(JsonObject Document, double Score)> ranked, string? orderBy)
        {
            if (orderBy is null)
            {
                return [.. ranked.OrderBy(m => (string)m.Document[_key]!, StringComparer.Ordinal)];
            }

            IOrderedEnumerable<(JsonObject Document, double Score)>? ordered = null;
            foreach (var clause in orderBy.Split(',', StringSplitOptions.TrimEntries))
            {
                var parts = clause.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var name = parts[0];
                if (!_fields.TryGetValue(name, out var field) || (bool?)field["sortable"] != true)
                {
                    throw new BadRequestException($"Invalid expression: '{name}' is not a sortable field.");
                }

                var descending = parts.Length > 1 && parts[1] == "desc";
                var comparer = Comparer<JsonNode?>.Create(ODataFilter.Compare);
                ordered = ordered is null
                    ? descending ? ranked.OrderByDescending(m => m.Document[name], comparer) : ranked.OrderBy(m => m.Document[name], comparer)
                    : descending ? ordered.ThenByDescending(m => m.Document[name], comparer) : ordered.ThenBy(m => m.Document[name], comparer);
            }

            return [.. ordered!];
        }

        private static double Cosine(double[] query, JsonArray vector)
        {
            double dot = 0, normQ = 0, normV = 0;
            for (var i = 0; i < query.Length; i++)
            {
                var v = (double)vector[i]!;
                dot += query[i] * v;
                normQ += query[i] * query[i];
                normV += v * v;
            }

            return dot / Math.Sqrt(normQ * normV);
        }
    }

    /// <summary>
    /// The OData $filter subset the adapter needs, parsed strictly: comparisons (eq ne gt ge lt le) of a filterable field
    /// with a literal ('text' with '' for a quote, integers, true, false, null), and, or, not, parentheses.
    /// </summary>
    private static class ODataFilter
    {
        public static Func<JsonObject, bool> Parse(string text, Dictionary<string, JsonObject> fields)
        {
            var tokens = Tokenize(text);
            var position = 0;
            var result = Or();
            if (position != tokens.Count)
            {
                throw new BadRequestException($"Invalid expression: Syntax error at position {tokens[position].At} in '{text}'.");
            }

            return result;

            Func<JsonObject, bool> Or()
            {
                var left = And();
                while (Accept("or"))
                {
                    var l = left;
                    var r = And();
                    left = d => l(d) || r(d);
                }

                return left;
            }

            Func<JsonObject, bool> And()
            {
                var left = Unary();
                while (Accept("and"))
                {
                    var l = left;
                    var r = Unary();
                    left = d => l(d) && r(d);
                }

                return left;
            }

            Func<JsonObject, bool> Unary()
            {
                if (Accept("not"))
                {
                    var inner = Unary();
                    return d => !inner(d);
                }

                if (Accept("("))
                {
                    var inner = Or();
                    Expect(")");
                    return inner;
                }

                var field = Next(TokenKind.Identifier);
                if (!fields.TryGetValue(field.Text, out var definition))
                {
                    throw new BadRequestException($"Invalid expression: Could not find a property named '{field.Text}' on type 'search.document'.");
                }

                if ((bool?)definition["filterable"] != true)
                {
                    throw new BadRequestException($"Invalid expression: '{field.Text}' is not a filterable field. Only filterable fields can be used in filter expressions.");
                }

                var op = Next(TokenKind.Identifier).Text;
                var literal = Next(TokenKind.Literal);
                var type = (string?)definition["type"];
                if (literal.Value is not null && (type == "Edm.String") != (literal.Value.GetValueKind() == JsonValueKind.String))
                {
                    throw new BadRequestException($"Invalid expression: A literal of the wrong type is compared with '{field.Text}' ({type}).");
                }

                var name = field.Text;
                var value = literal.Value;
                return op switch
                {
                    "eq" => d => Compare(d[name], value) == 0,
                    "ne" => d => Compare(d[name], value) != 0,
                    "gt" => d => d[name] is not null && Compare(d[name], value) > 0,
                    "ge" => d => d[name] is not null && Compare(d[name], value) >= 0,
                    "lt" => d => d[name] is not null && Compare(d[name], value) < 0,
                    "le" => d => d[name] is not null && Compare(d[name], value) <= 0,
                    _ => throw new BadRequestException($"Invalid expression: '{op}' is not a comparison operator."),
                };
            }

            bool Accept(string word)
            {
                if (position < tokens.Count && tokens[position].Kind != TokenKind.Literal && tokens[position].Text == word)
                {
                    position++;
                    return true;
                }

                return false;
            }

            void Expect(string word)
            {
                if (!Accept(word))
                {
                    throw new BadRequestException($"Invalid expression: '{word}' expected in '{text}'.");
                }
            }

            Token Next(TokenKind kind)
            {
                if (position >= tokens.Count || tokens[position].Kind != kind)
                {
                    throw new BadRequestException($"Invalid expression: Syntax error at position {(position < tokens.Count ? tokens[position].At : text.Length)} in '{text}'.");
                }

                return tokens[position++];
            }
        }

        /// <summary>Strings ordinally, numbers numerically, null before anything.</summary>
        public static int Compare(JsonNode? a, JsonNode? b)
        {
            if (a is null || b is null)
            {
                return (a is null ? 0 : 1) - (b is null ? 0 : 1);
            }

            return a.GetValueKind() == JsonValueKind.String && b.GetValueKind() == JsonValueKind.String
                ? string.CompareOrdinal((string)a!, (string)b!)
                : ((double)a).CompareTo((double)b);
        }

        private static List<Token> Tokenize(string text)
        {
            var tokens = new List<Token>();
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                if (char.IsWhiteSpace(c))
                {
                    i++;
                }
                else if (c is '(' or ')')
                {
                    tokens.Add(new Token(TokenKind.Punctuation, c.ToString(), null, i++));
                }
                else if (c == '\'')
                {
                    var start = i++;
                    var value = new System.Text.StringBuilder();
                    while (true)
                    {
                        if (i >= text.Length)
                        {
                            throw new BadRequestException($"Invalid expression: Unterminated string literal at position {start} in '{text}'.");
                        }

                        if (text[i] == '\'')
                        {
                            if (i + 1 < text.Length && text[i + 1] == '\'')
                            {
                                value.Append('\'');
                                i += 2;
                                continue;
                            }

                            i++;
                            break;
                        }

                        value.Append(text[i++]);
                    }

                    tokens.Add(new Token(TokenKind.Literal, value.ToString(), JsonValue.Create(value.ToString()), start));
                }
                else if (char.IsAsciiDigit(c) || (c == '-' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
                {
                    var start = i++;
                    while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
                    {
                        i++;
                    }

                    var number = double.Parse(text.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture);
                    tokens.Add(new Token(TokenKind.Literal, text[start..i], JsonValue.Create(number), start));
                }
                else if (char.IsAsciiLetter(c) || c == '_')
                {
                    var start = i++;
                    while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '/'))
                    {
                        i++;
                    }

                    var word = text[start..i];
                    tokens.Add(word switch
                    {
                        "true" or "false" => new Token(TokenKind.Literal, word, JsonValue.Create(word == "true"), start),
                        "null" => new Token(TokenKind.Literal, word, null, start),
                        _ => new Token(TokenKind.Identifier, word, null, start),
                    });
                }
                else
                {
                    throw new BadRequestException($"Invalid expression: Unexpected character '{c}' at position {i} in '{text}'.");
                }
            }

            return tokens;
        }

        private enum TokenKind
        {
            Identifier,
            Literal,
            Punctuation,
        }

        private sealed record Token(TokenKind Kind, string Text, JsonNode? Value, int At);
    }
}
