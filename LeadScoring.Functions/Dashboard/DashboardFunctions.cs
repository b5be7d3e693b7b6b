using LeadScoring.Core.Settings;
using LeadScoring.Functions.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace LeadScoring.Functions.Dashboard;

/// <summary>
/// The dashboard as functions: <c>/</c> and each page (behind the page's policy), files under <c>/assets</c>, and
/// sign-in / sign-out / who-am-I / Entra ID. The Functions host's route prefix is empty (host.json), so the dashboard
/// sits at the root and every API route spells its <c>api/</c>.
/// </summary>
internal sealed class DashboardFunctions(IOptions<LeadScoringSettings> settings)
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();
    private static readonly PhysicalFileProvider Assets = new(Path.Combine(AppContext.BaseDirectory, "wwwroot", "assets"));

    [Function("DashboardPage")]
    public static async Task<IResult> PageAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DashboardPages.PageRoute)] HttpRequest request, string? page)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (DashboardPages.All.FirstOrDefault(p => p.Path == page) is not { } found)
        {
            // Home: the first page the role may open; anyone not signed in is sent to sign in.
            return await request.RequireAsync(AccessPolicies.AnyRole)
                ?? TypedResults.Redirect(DashboardPages.PagesFor(SignIn.RoleOf(request.HttpContext.User)) is [var home, ..] ? $"/{home.Path}" : "/sign-in");
        }

        return await request.RequireAsync(found.Policy) ?? DashboardPages.Html("app.html", found);
    }

    /// <summary>The sign-in page; "Sign in with Microsoft" only when Entra ID is configured (LEAD_SCORE_ENTRA_*), never a link that 404s.</summary>
    [Function("SignInPage")]
    public IResult SignInPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sign-in")] HttpRequest request) =>
        DashboardPages.Html("sign-in.html", null, new Dictionary<string, string>
        {
            ["{{ENTRA}}"] = settings.Value.EntraEnabled ? "    <p><a id=\"entra-sign-in\" href=\"/api/auth/entra\">Sign in with Microsoft</a></p>\n" : "",
        });

    /// <summary>The favicon browsers ask for at /favicon.ico (the SVG; every browser the dashboard supports takes it).</summary>
    [Function("Favicon")]
    public static IResult Favicon([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "favicon.ico")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.HttpContext.Response.Headers.CacheControl = "public, max-age=86400";
        return Assets.GetFileInfo("favicon.svg") is { Exists: true, PhysicalPath: { } path } ? TypedResults.PhysicalFile(path, "image/svg+xml") : TypedResults.NotFound();
    }

    /// <summary>Files of the dashboard (script, styles, Chart.js), from the build output; nothing outside wwwroot/assets.</summary>
    [Function("DashboardAssets")]
    public static IResult Asset([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets/{*path}")] HttpRequest request, string? path)
    {
        var file = path is null || path.Contains("..", StringComparison.Ordinal) ? null : Assets.GetFileInfo(path);
        if (file is not { Exists: true, IsDirectory: false } || file.PhysicalPath is null)
        {
            return TypedResults.NotFound();
        }

        request.HttpContext.Response.Headers.CacheControl = "no-cache";
        return TypedResults.PhysicalFile(file.PhysicalPath, ContentTypes.TryGetContentType(file.Name, out var type) ? type : "application/octet-stream");
    }

    [Function("SignIn")]
    public Task<IResult> SignInAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/auth/sign-in")] HttpRequest request) =>
        DashboardPages.SignInAsync(request.HttpContext, settings);

    [Function("SignOut")]
    public static async Task<IResult> SignOutAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/auth/sign-out")] HttpRequest request)
    {
        await request.HttpContext.SignOutAsync(SignIn.Cookie);
        return TypedResults.NoContent();
    }

    [Function("WhoAmI")]
    public static async Task<IResult> WhoAmIAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/auth/me")] HttpRequest request)
    {
        if (await request.RequireAsync(AccessPolicies.AnyRole) is { } denied)
        {
            return denied;
        }

        var role = SignIn.RoleOf(request.HttpContext.User);
        return TypedResults.Json(
            new SignedInCaller(role?.ToString() ?? "none", [.. DashboardPages.PagesFor(role).Select(p => new PageLink(p.Path, p.Title))]),
            DashboardJsonContext.Default.SignedInCaller);
    }

    [Function("EntraSignIn")]
    public IResult EntraSignIn([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/auth/entra")] HttpRequest request) =>
        settings.Value.EntraEnabled
            ? Results.Challenge(new AuthenticationProperties { RedirectUri = "/" }, [SignIn.Entra])
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Entra ID sign-in is off",
                detail: $"Set {LeadScoringSettings.EntraTenantIdName} and {LeadScoringSettings.EntraClientIdName} to turn it on.");

    /// <summary>
    /// Entra ID's redirect back (OpenID Connect form post). In ASP.NET Core the authentication middleware answers this
    /// path; the Functions worker has no middleware pipeline, so this function hands the request to the same handler.
    /// </summary>
    [Function("EntraCallback")]
    public async Task<IResult> EntraCallbackAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "signin-oidc")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var handlers = request.HttpContext.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>();
        if (settings.Value.EntraEnabled && await handlers.GetHandlerAsync(request.HttpContext, SignIn.Entra) is IAuthenticationRequestHandler handler
            && await handler.HandleRequestAsync())
        {
            return Results.Empty; // the handler wrote the response (a redirect with the session cookie)
        }

        return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Entra ID sign-in is off", detail: "No sign-in is in progress.");
    }
}
