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

    /// <summary>The page names a route may carry (<see cref="DashboardFunctions"/>' page route constraint).</summary>
    public const string PageRoute = "{page:regex(^(leads|trends|model|operations|success|training)$)?}";

    /// <summary>A sign-in body is a key of at most 512 characters; anything much bigger is refused unread.</summary>
    public const long MaxSignInBody = 8 * 1024;

    public static async Task<IResult> SignInAsync(HttpContext http, IOptions<LeadScoringSettings> settings)
    {
        var auth = http.RequestServices.GetRequiredService<IOptions<AuthSettings>>().Value;
        if (HttpHardening.IsCrossSite(http, auth))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Cross-site sign-in refused",
                detail: "Sign in from the dashboard's own sign-in page (the Origin / Sec-Fetch-Site of this request is another site).");
        }

        var throttle = http.RequestServices.GetRequiredService<WrongKeyThrottle>();
        var client = HttpHardening.ClientOf(http);
        if (throttle.RetryAfter(client) is { } wait)
        {
            await FunctionKeyAuthenticationHandler.TooManyAsync(http, http.RequestServices.GetRequiredService<IProblemDetailsService>(), wait);
            return Results.Empty;
        }

        if (await LeadScoring.Functions.Hosting.RequestBody.ReadAsync(http, MaxSignInBody, http.RequestAborted) is not { } body)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Sign-in request too large",
                detail: $"The body must be at most {MaxSignInBody / 1024} KB: {{\"key\": \"…\"}}.");
        }

        http.Request.Body = new MemoryStream(body, writable: false);
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
            throttle.Failed(client);
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

    /// <summary>
    /// The dashboard's 403 for a page the role may not open: a page in words with links to the role's own pages (API
    /// routes keep answering problem+json). Values are HTML-encoded into the template.
    /// </summary>
    public static async Task WriteForbiddenAsync(HttpContext http, AccessRole? role)
    {
        ArgumentNullException.ThrowIfNull(http);
        var info = Files.GetFileInfo("forbidden.html");
        string template;
        using (var reader = new StreamReader(info.CreateReadStream()))
        {
            template = await reader.ReadToEndAsync(http.RequestAborted);
        }

        var encode = System.Text.Encodings.Web.HtmlEncoder.Default;
        var links = string.Concat(PagesFor(role).Select(p => $"<li><a href=\"/{encode.Encode(p.Path)}\">{encode.Encode(p.Title)}</a></li>"));
        var html = template.Replace("{{ROLE}}", encode.Encode(role?.ToString() ?? "unknown"), StringComparison.Ordinal)
            .Replace("{{PATH}}", encode.Encode(http.Request.Path.Value ?? "/"), StringComparison.Ordinal)
            .Replace("{{LINKS}}", links.Length > 0 ? links : "<li>none</li>", StringComparison.Ordinal);
        http.Response.StatusCode = StatusCodes.Status403Forbidden;
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(html, http.RequestAborted);
    }

    public static IResult Html(string file, DashboardPage? page, IReadOnlyDictionary<string, string>? replacements = null)
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

        foreach (var (placeholder, value) in replacements ?? new Dictionary<string, string>())
        {
            html = html.Replace(placeholder, value, StringComparison.Ordinal);
        }

        return TypedResults.Content(html, "text/html; charset=utf-8");
    }
}

/// <summary>Who is signed in and which pages the role may open.</summary>
internal sealed record SignedInCaller(string Role, IReadOnlyList<PageLink> Pages);

internal sealed record PageLink(string Path, string Title);

internal sealed record SignInRequest(string? Key);
