using System.Security.Claims;
using System.Text.Json;
using LeadScoring.Core;
using LeadScoring.Core.Security;
using LeadScoring.Core.Settings;
using LeadScoring.Functions.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace LeadScoring.Functions.Dashboard;

/// <summary>A dashboard page and who may open it (checked on the server; the menu only mirrors it).</summary>
internal sealed record DashboardPage(string Path, string Title, string Policy, IReadOnlyList<AccessRole> Roles);

/// <summary>
/// The dashboard at <c>/</c>: pages (one HTML shell, each page behind its policy), assets under /assets (no CDN: Chart.js
/// is copied from node_modules at build), and sign-in with a role key for a session cookie.
/// </summary>
internal static class DashboardPages
{
    public static readonly IReadOnlyList<DashboardPage> All =
    [
        new("leads", "Leads", AccessPolicies.ViewPriorities, [AccessRole.Admin, AccessRole.Manager, AccessRole.Rep]),
        new("trends", "Trends", AccessPolicies.ViewAggregates, [AccessRole.Admin, AccessRole.Manager, AccessRole.Marketing]),
        new("model", "Model", AccessPolicies.ScoreLeads, [AccessRole.Admin, AccessRole.Manager]),
        new("operations", "Operations", AccessPolicies.ScoreLeads, [AccessRole.Admin, AccessRole.Manager]),
        new("success", "Success metrics", AccessPolicies.ViewAggregates, [AccessRole.Admin, AccessRole.Manager, AccessRole.Marketing]),
        new("training", "Training records", AccessPolicies.ScoreLeads, [AccessRole.Admin, AccessRole.Manager]),
    ];

    /// <summary>A role key is at most this long (ApiKeyRing refuses longer ones).</summary>
    private const int MaxKeyLength = 512;

    public static IFileProvider Files { get; } = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "wwwroot"));

    public static IReadOnlyList<DashboardPage> PagesFor(AccessRole? role) => role is { } r ? [.. All.Where(p => p.Roles.Contains(r))] : [];

    public static WebApplication UseDashboardAssets(this WebApplication app)
    {
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "wwwroot", "assets")),
            RequestPath = "/assets",
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
        return app;
    }

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", (HttpContext http) =>
            TypedResults.Redirect(PagesFor(SignIn.RoleOf(http.User)) is [var home, ..] ? $"/{home.Path}" : "/sign-in"))
            .WithName("DashboardHome");
        endpoints.MapGet("/sign-in", () => Html("sign-in.html", null)).AllowAnonymous().WithName("SignInPage");
        foreach (var page in All)
        {
            endpoints.MapGet($"/{page.Path}", () => Html("app.html", page)).RequireAuthorization(page.Policy).WithName($"{page.Path}Page");
        }

        var auth = endpoints.MapGroup("/api/auth");
        auth.MapPost("/sign-in", SignInAsync).AllowAnonymous().WithName("SignIn");
        auth.MapPost("/sign-out", async (HttpContext http) =>
        {
            await http.SignOutAsync(SignIn.Cookie);
            return TypedResults.NoContent();
        }).AllowAnonymous().WithName("SignOut");
        auth.MapGet("/me", (HttpContext http) =>
        {
            var role = SignIn.RoleOf(http.User);
            return TypedResults.Json(
                new SignedInCaller(role?.ToString() ?? "none", [.. PagesFor(role).Select(p => new PageLink(p.Path, p.Title))]),
                DashboardJsonContext.Default.SignedInCaller);
        }).WithName("WhoAmI");
        auth.MapGet("/entra", (HttpContext http, IOptions<LeadScoringSettings> settings) => settings.Value.EntraEnabled
                ? Results.Challenge(new AuthenticationProperties { RedirectUri = "/" }, [SignIn.Entra])
                : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Entra ID sign-in is off", detail: $"Set {LeadScoringSettings.EntraTenantIdName} and {LeadScoringSettings.EntraClientIdName} to turn it on."))
            .AllowAnonymous().WithName("EntraSignIn");
        return endpoints;
    }

    private static async Task<IResult> SignInAsync(HttpContext http, IOptions<LeadScoringSettings> settings)
    {
        string? key;
        if (http.Request.HasFormContentType)
        {
            key = (await http.Request.ReadFormAsync(http.RequestAborted)).TryGetValue("key", out var value) ? value.ToString() : null;
        }
        else if (http.Request.HasJsonContentType())
        {
            try
            {
                key = (await JsonSerializer.DeserializeAsync(http.Request.Body, DashboardJsonContext.Default.SignInRequest, http.RequestAborted))?.Key;
            }
            catch (JsonException ex)
            {
                return Invalid("$", $"the body must be JSON like {{\"key\": \"…\"}} ({ex.Message.Split('.')[0]})");
            }
        }
        else
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: "Send the key as JSON {\"key\": \"…\"} or as a form field named key.");
        }

        if (string.IsNullOrWhiteSpace(key))
        {
            return Invalid("key", "is required: the role key from LEAD_SCORE_API_KEYS");
        }

        if (key.Length > MaxKeyLength || SignIn.PrincipalFor(key.Trim(), settings.Value) is not { } principal)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed", detail: "The key is not valid.");
        }

        await http.SignInAsync(SignIn.Cookie, principal, new AuthenticationProperties { IsPersistent = false });
        var role = SignIn.RoleOf(principal);
        return TypedResults.Json(
            new SignedInCaller(role!.Value.ToString(), [.. PagesFor(role).Select(p => new PageLink(p.Path, p.Title))]),
            DashboardJsonContext.Default.SignedInCaller);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "Sign-in request is invalid.");

    private static IResult Html(string file, DashboardPage? page)
    {
        var info = Files.GetFileInfo(file);
        if (!info.Exists)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Dashboard files missing", detail: $"wwwroot/{file} is not in the build output.");
        }

        using var reader = new StreamReader(info.CreateReadStream());
        var html = reader.ReadToEnd();
        if (page is not null)
        {
            html = html.Replace("{{PAGE}}", page.Path, StringComparison.Ordinal).Replace("{{TITLE}}", page.Title, StringComparison.Ordinal);
        }

        return TypedResults.Content(html, "text/html; charset=utf-8");
    }
}

/// <summary>Who is signed in and which pages the role may open.</summary>
internal sealed record SignedInCaller(string Role, IReadOnlyList<PageLink> Pages);

internal sealed record PageLink(string Path, string Title);

internal sealed record SignInRequest(string? Key);
