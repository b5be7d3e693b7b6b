using System.Text.Json.Nodes;
using LeadScoring.HubSpotEmulator.Api;

namespace LeadScoring.HubSpotEmulator.Auth;

/// <summary><c>POST /oauth/v1/token</c> (refresh grant) and token metadata. Errors carry both HubSpot's legacy and RFC 6749 fields.</summary>
internal static class OAuthEndpoints
{
    public static void MapOAuth(this IEndpointRouteBuilder app, EmulatorServices services)
    {
        app.MapPost("/oauth/v1/token", (HttpRequest request) => TokenAsync(services, request.HttpContext));
        app.MapPost("/oauth/v3/token", (HttpRequest request) => TokenAsync(services, request.HttpContext));
        app.MapGet("/oauth/v1/access-tokens/{token}", (string token) => Metadata(services, token));
    }

    private static async Task<IResult> TokenAsync(EmulatorServices services, HttpContext context)
    {
        var options = services.Options;
        if (!context.Request.HasFormContentType)
        {
            return Error("BAD_REQUEST", "invalid_request", "The request must be form-encoded (application/x-www-form-urlencoded).");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var grantType = form["grant_type"].ToString();
        if (grantType != "refresh_token")
        {
            return Error("BAD_GRANT_TYPE", "unsupported_grant_type", $"grant_type must be refresh_token (got '{grantType}').");
        }

        if (form["client_id"] != options.ClientId)
        {
            return Error("BAD_CLIENT_ID", "invalid_client", "missing or unknown client id");
        }

        if (form["client_secret"] != options.ClientSecret)
        {
            return Error("BAD_CLIENT_SECRET", "invalid_client", "missing or invalid client secret");
        }

        if (form["refresh_token"] != options.RefreshToken)
        {
            return Error("BAD_REFRESH_TOKEN", "invalid_grant", "missing or unknown refresh token");
        }

        return JsonResults.Json(new JsonObject
        {
            ["token_type"] = "bearer",
            ["refresh_token"] = options.RefreshToken,
            ["access_token"] = services.Tokens.Issue(),
            ["expires_in"] = (long)options.AccessTokenLifetime.TotalSeconds,
        });
    }

    private static IResult Metadata(EmulatorServices services, string token)
    {
        var (state, expiresAt) = services.Tokens.Check(token);
        if (state != TokenState.Valid)
        {
            return HubSpotErrors.NotFound("Token not found or expired");
        }

        var options = services.Options;
        return JsonResults.Json(new JsonObject
        {
            ["token"] = token,
            ["user"] = "emulator@example.com",
            ["hub_domain"] = $"emulated-portal-{options.PortalId}.example",
            ["scopes"] = new JsonArray("oauth", "crm.objects.contacts.read", "crm.objects.contacts.write", "crm.schemas.contacts.write", "automation"),
            ["hub_id"] = options.PortalId,
            ["app_id"] = options.AppId,
            ["expires_in"] = (long)Math.Max(0, (expiresAt - options.TimeProvider.GetUtcNow()).TotalSeconds),
            ["user_id"] = 81000001,
            ["token_type"] = "access",
        });
    }

    private static IResult Error(string status, string error, string message) => JsonResults.Json(
        new JsonObject
        {
            ["status"] = status,
            ["message"] = message,
            ["correlationId"] = Guid.NewGuid().ToString(),
            ["error"] = error,
            ["error_description"] = message,
        },
        StatusCodes.Status400BadRequest);
}
