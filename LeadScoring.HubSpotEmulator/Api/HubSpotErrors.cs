using System.Text.Json.Nodes;

namespace LeadScoring.HubSpotEmulator.Api;

/// <summary>HubSpot's error body: <c>{status:"error", message, correlationId, category, errors?, context?}</c>.</summary>
internal static class HubSpotErrors
{
    public const string AuthenticationMessage =
        "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview";

    public static JsonObject Body(string message, string category, JsonArray? errors = null, JsonObject? context = null, string? subCategory = null)
    {
        var body = new JsonObject
        {
            ["status"] = "error",
            ["message"] = message,
            ["correlationId"] = Guid.NewGuid().ToString(),
            ["category"] = category,
        };
        if (subCategory is not null)
        {
            body["subCategory"] = subCategory;
        }

        if (errors is not null)
        {
            body["errors"] = errors;
        }

        if (context is not null)
        {
            body["context"] = context;
        }

        return body;
    }

    public static IResult Result(int status, string message, string category, JsonArray? errors = null, JsonObject? context = null, string? subCategory = null) =>
        JsonResults.Json(Body(message, category, errors, context, subCategory), status);

    public static IResult Validation(string message, JsonArray? errors = null) =>
        Result(StatusCodes.Status400BadRequest, message, "VALIDATION_ERROR", errors);

    public static IResult NotFound(string message = "resource not found") =>
        Result(StatusCodes.Status404NotFound, message, "OBJECT_NOT_FOUND");

    public static IResult Unauthorized() =>
        Result(StatusCodes.Status401Unauthorized, AuthenticationMessage, "INVALID_AUTHENTICATION");

    public static IResult UnknownObjectType(string name) =>
        Validation($"Unable to infer object type from: {name}");

    /// <summary>One entry of a batch response's errors[]; context values are string lists, as HubSpot sends them.</summary>
    public static JsonObject BatchError(string category, string message, string contextKey, IEnumerable<string> values, string? subCategory = null)
    {
        var error = new JsonObject { ["status"] = "error", ["category"] = category };
        if (subCategory is not null)
        {
            error["subCategory"] = subCategory;
        }

        error["message"] = message;
        error["context"] = new JsonObject { [contextKey] = new JsonArray([.. values.Select(v => (JsonNode?)v)]) };
        return error;
    }

    /// <summary>The body of a 429: <c>errorType</c> and <c>policyName</c> instead of <c>category</c>.</summary>
    public static JsonObject RateLimitBody(string policyName, string groupName)
    {
        var message = policyName switch
        {
            "SECONDLY" => "You have reached your secondly limit.",
            "DAILY" => "You have reached your daily limit.",
            _ => "You have reached your ten_secondly_rolling limit.",
        };
        return new JsonObject
        {
            ["status"] = "error",
            ["message"] = message,
            ["errorType"] = "RATE_LIMIT",
            ["correlationId"] = Guid.NewGuid().ToString(),
            ["policyName"] = policyName,
            ["groupName"] = groupName,
        };
    }

    /// <summary>A body for an arbitrary injected or random failure status.</summary>
    public static JsonObject ForStatus(int status) => status switch
    {
        401 => Body(AuthenticationMessage, "INVALID_AUTHENTICATION"),
        403 => Body("This app hasn't been granted all required scopes to make this call.", "MISSING_SCOPES"),
        404 => Body("resource not found", "OBJECT_NOT_FOUND"),
        409 => Body("Conflict", "CONFLICT"),
        423 => Body("The requested resource is locked; try again in a few seconds.", "LOCKED"),
        477 => Body("This portal is being migrated; try again later.", "MIGRATION_IN_PROGRESS"),
        500 => Body("internal error", "INTERNAL_ERROR"),
        502 => Body("Bad Gateway: the upstream service did not respond correctly.", "BAD_GATEWAY"),
        503 => Body("Service Unavailable: HubSpot is temporarily unable to handle the request.", "SERVICE_UNAVAILABLE"),
        504 => Body("Gateway Timeout: the upstream service did not respond in time.", "GATEWAY_TIMEOUT"),
        >= 500 => Body("internal error", "INTERNAL_ERROR"),
        _ => Body("There was a problem with the request.", "VALIDATION_ERROR"),
    };
}
