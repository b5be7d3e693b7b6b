using System.Globalization;
using System.Text.Json.Nodes;
using LeadScoring.HubSpotEmulator.Api;

namespace LeadScoring.HubSpotEmulator.Auth;

/// <summary>Checks <c>Authorization: Bearer</c> against the static token and the issued OAuth tokens.</summary>
internal sealed class Authentication(EmulatorOptions options, OAuthTokens tokens)
{
    public (Caller? Caller, IResult? Failure) Authenticate(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        var token = header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) ? header[Bearer.Length..].Trim() : "";
        if (token.Length == 0)
        {
            return (null, HubSpotErrors.Unauthorized());
        }

        if (string.Equals(token, options.AccessToken, StringComparison.Ordinal))
        {
            return (new Caller(token, false, PrivateAppKey(token)), null);
        }

        var (state, expiresAt) = tokens.Check(token);
        return state switch
        {
            TokenState.Valid => (new Caller(token, true, "oauth:" + options.ClientId), null),
            TokenState.Expired => (null, Expired(expiresAt, options.TimeProvider.GetUtcNow())),
            _ => (null, HubSpotErrors.Unauthorized()),
        };
    }

    public static string PrivateAppKey(string token) => "private-app:" + token;

    private static IResult Expired(DateTimeOffset expiresAt, DateTimeOffset now)
    {
        var minutes = Math.Max(0, (int)(now - expiresAt).TotalMinutes).ToString(CultureInfo.InvariantCulture);
        return HubSpotErrors.Result(
            StatusCodes.Status401Unauthorized,
            $"The OAuth token used to make this call expired {minutes} minute(s) ago.",
            "EXPIRED_AUTHENTICATION",
            context: new JsonObject { ["expiredAt"] = new JsonArray(Formats.Iso(expiresAt)) });
    }
}
