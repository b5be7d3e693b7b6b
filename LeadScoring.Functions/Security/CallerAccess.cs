using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace LeadScoring.Functions.Security;

/// <summary>
/// The check every non-anonymous function makes first. At the Functions host level every HTTP function is Anonymous
/// (the host's own function keys would not carry a role); the caller proves who it is with a role key in
/// <c>x-functions-key</c>, a dashboard session cookie, or an Entra ID bearer token — the same authentication handlers
/// in Azure and in the local host, run from here because the Functions worker has no ASP.NET Core middleware pipeline.
/// </summary>
internal static class CallerAccess
{
    /// <summary>Null when the caller may go on (and <c>HttpContext.User</c> is set); otherwise the 401/403 or sign-in redirect to return.</summary>
    public static async Task<IResult?> RequireAsync(this HttpRequest request, string policy)
    {
        ArgumentNullException.ThrowIfNull(request);
        var http = request.HttpContext;
        var result = await http.AuthenticateAsync();
        if (result.Succeeded)
        {
            http.User = result.Principal;
        }
        else if (result.Failure is not null)
        {
            return Results.Challenge();
        }

        if (http.User.Identity?.IsAuthenticated != true)
        {
            return Results.Challenge();
        }

        var authorization = http.RequestServices.GetRequiredService<IAuthorizationService>();
        return (await authorization.AuthorizeAsync(http.User, policy)).Succeeded ? null : Results.Forbid();
    }
}
