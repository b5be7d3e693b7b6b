using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LeadScoring.HubSpotEmulator.Api;

/// <summary>JSON in and out with <see cref="JsonNode"/>: HubSpot's shapes are loose, and the emulator must accept what HubSpot accepts.</summary>
internal static class JsonResults
{
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IResult Json(JsonNode body, int status = StatusCodes.Status200OK) => new JsonNodeResult(body, status);

    /// <summary>The body as a JSON object, or a HubSpot-style 400 when it is missing or not JSON.</summary>
    public static async Task<(JsonObject? Body, IResult? Error)> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" on line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}" : "";
            return (null, HubSpotErrors.Validation($"Invalid input JSON{where}: {e.Message}"));
        }

        return node is JsonObject body ? (body, null) : (null, HubSpotErrors.Validation("Invalid input JSON: expected an object."));
    }

    /// <summary>A scalar as HubSpot reads it: strings as they are, numbers and booleans as their text; null for null, objects and arrays.</summary>
    public static string? Scalar(JsonNode? node) => node switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonValue value when value.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.ToJsonString(),
        _ => null,
    };

    /// <summary>Comma-separated (or repeated) query values, e.g. <c>?properties=a,b&amp;properties=c</c>.</summary>
    public static List<string> List(IQueryCollection query, string name) =>
        [.. query[name].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal)];

    private sealed class JsonNodeResult(JsonNode body, int status) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "application/json;charset=utf-8";
            await httpContext.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body.ToJsonString(Options)), httpContext.RequestAborted);
        }
    }
}
