using System.Security.Claims;
using System.Text.Encodings.Web;
using LeadScoring.Core.Security;
using LeadScoring.Core.Settings;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace LeadScoring.Functions.Security;

/// <summary>
/// Azure Functions' key convention: the caller sends its key in <c>x-functions-key</c>; the key maps to a role.
/// Keys are matched in constant time (<see cref="ApiKeyRing"/>) and never logged.
/// </summary>
internal sealed class FunctionKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<LeadScoringSettings> settings,
    IProblemDetailsService problems,
    WrongKeyThrottle throttle)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "FunctionKey";
    public const string HeaderName = "x-functions-key";

    private const string ThrottledItem = "leadscoring:throttled";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[HeaderName].ToString();
        if (string.IsNullOrEmpty(presented))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var client = HttpHardening.ClientOf(Context);
        if (throttle.RetryAfter(client) is { } wait)
        {
            // Not even looked at: a blocked client learns nothing from its guesses.
            Context.Items[ThrottledItem] = wait;
            return Task.FromResult(AuthenticateResult.Fail("Too many wrong keys from this client."));
        }

        if (settings.Value.ApiKeys.RoleOf(presented) is not { } role)
        {
            throttle.Failed(client);
            return Task.FromResult(AuthenticateResult.Fail($"The {HeaderName} key is not valid."));
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, $"{role} key"), new Claim(ClaimTypes.Role, role.ToString()),
                new Claim(SessionTicketStore.KeyFingerprintClaim, settings.Value.ApiKeys.FingerprintOf(presented)!),
            ],
            SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[ThrottledItem] is TimeSpan wait)
        {
            await TooManyAsync(Context, problems, wait).ConfigureAwait(false);
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        var sent = !string.IsNullOrEmpty(Request.Headers[HeaderName].ToString());
        await WriteAsync("Authentication required", sent
            ? $"The key in the {HeaderName} header is not valid."
            : $"Send a caller key in the {HeaderName} header.").ConfigureAwait(false);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var role = Context.User.FindFirstValue(ClaimTypes.Role) ?? "unknown";
        await WriteAsync("Forbidden", $"The {role} role may not call {Request.Method} {Request.Path}.").ConfigureAwait(false);
    }

    /// <summary>429 with Retry-After (whole seconds, at least 1) for a client over the wrong-key limit.</summary>
    internal static Task TooManyAsync(HttpContext http, IProblemDetailsService problems, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many wrong keys",
                Detail = $"Too many wrong keys from this client; keys are not checked for {seconds} s.",
            },
        }).AsTask();
    }

    private Task WriteAsync(string title, string detail) =>
        problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = Response.StatusCode, Title = title, Detail = detail },
        }).AsTask();
}

/// <summary>Who may call what; every function checks its policy with <see cref="CallerAccess.RequireAsync"/> unless anonymous (health, HubSpot's signed webhook, sign-in).</summary>
internal static class AccessPolicies
{
    /// <summary>Numeric scores, their reasons, metrics, the model: managers and admins.</summary>
    public const string ScoreLeads = nameof(ScoreLeads);

    /// <summary>Operating the product (rescore now, retrain…): admins only.</summary>
    public const string Administer = nameof(Administer);

    /// <summary>Priority levels and next actions of individual leads (no numbers): reps, managers, admins.</summary>
    public const string ViewPriorities = nameof(ViewPriorities);

    /// <summary>Aggregates over many leads, never one lead: marketing, managers, admins.</summary>
    public const string ViewAggregates = nameof(ViewAggregates);

    /// <summary>Any signed-in caller with a role (who-am-I).</summary>
    public const string AnyRole = nameof(AnyRole);

    public static IServiceCollection AddFunctionKeyAuthorization(this IServiceCollection services)
    {
        services.AddLeadScoringSignIn();
        services.AddAuthorizationBuilder()
            .AddPolicy(ScoreLeads, policy => policy.RequireRole(nameof(AccessRole.Admin), nameof(AccessRole.Manager)))
            .AddPolicy(Administer, policy => policy.RequireRole(nameof(AccessRole.Admin)))
            .AddPolicy(ViewPriorities, policy => policy.RequireRole(nameof(AccessRole.Admin), nameof(AccessRole.Manager), nameof(AccessRole.Rep)))
            .AddPolicy(ViewAggregates, policy => policy.RequireRole(nameof(AccessRole.Admin), nameof(AccessRole.Manager), nameof(AccessRole.Marketing)))
            .AddPolicy(AnyRole, policy => policy.RequireAuthenticatedUser());
        return services;
    }
}
