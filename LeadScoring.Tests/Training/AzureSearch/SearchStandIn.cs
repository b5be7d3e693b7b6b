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
}
