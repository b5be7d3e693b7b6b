using System.Security.Claims;
using LeadScoring.Core.Security;
using LeadScoring.Core.Settings;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using LeadScoring.Core.Storage;
using Microsoft.Extensions.Options;

namespace LeadScoring.Functions.Security;

/// <summary>
/// How a caller proves who it is. API callers send a role key in x-functions-key (Functions' convention); people sign
/// in to the dashboard with a role key exchanged for a session cookie (secure, HttpOnly, SameSite=Strict) naming a
/// server-side session (<see cref="SessionTicketStore"/>); in
/// production, with Microsoft Entra ID when LEAD_SCORE_ENTRA_TENANT_ID and LEAD_SCORE_ENTRA_CLIENT_ID are set —
/// JWT bearer tokens for API callers and OpenID Connect for people, the role coming from the app role claim.
/// </summary>
internal static class SignIn
{
    /// <summary>The default scheme: picks key, bearer token or cookie per request.</summary>
    public const string Selector = "LeadScoring";
    public const string Cookie = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string Bearer = JwtBearerDefaults.AuthenticationScheme;
    public const string Entra = OpenIdConnectDefaults.AuthenticationScheme;
    public const string CookieName = "leadscoring.session";

    /// <summary>Entra app roles arrive in this claim.</summary>
    public const string RoleClaim = "roles";

    public static IServiceCollection AddLeadScoringSignIn(this IServiceCollection services)
    {
        services.AddOptions<AuthSettings>().Configure<IConfiguration>((s, configuration) => s.ReadFrom(configuration)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthSettings>, AuthSettings.Validator>();
        services.AddSingleton<WrongKeyThrottle>();
        services.AddSingleton<SessionTicketStore>();
        services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, UseSessionTicketStore>();

        // Cookies sealed on one instance are read on every other: the key ring lives in the product's blob storage.
        services.AddDataProtection().SetApplicationName("LeadScoring");
        services.AddOptions<KeyManagementOptions>().Configure<LeadScoringStorage>((o, storage) =>
            o.XmlRepository = new BlobXmlRepository(storage.BlobService.GetBlobContainerClient(storage.Names.DataProtectionKeys)));

        services.AddAuthentication(Selector)
            .AddPolicyScheme(Selector, "Key, bearer token or session", o => o.ForwardDefaultSelector = SchemeFor)
            .AddScheme<AuthenticationSchemeOptions, FunctionKeyAuthenticationHandler>(FunctionKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(Cookie, o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.SlidingExpiration = false; // absolute lifetime (UseSessionTicketStore sets it from LEAD_SCORE_SESSION_LIFETIME)
                o.LoginPath = "/sign-in";
                o.AccessDeniedPath = "/sign-in";
                o.Events.OnRedirectToLogin = context => Deny(context, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = context => Deny(context, StatusCodes.Status403Forbidden);
            })
            .AddJwtBearer(Bearer, _ => { })
            .AddOpenIdConnect(Entra, _ => { });

        services.AddOptions<JwtBearerOptions>(Bearer).Configure<IOptions<LeadScoringSettings>>((o, settings) =>
        {
            var s = settings.Value;
            if (s.EntraEnabled)
            {
                o.Authority = $"{s.EntraInstance.ToString().TrimEnd('/')}/{s.EntraTenantId}/v2.0";
                o.TokenValidationParameters.ValidAudiences = [s.EntraClientId, $"api://{s.EntraClientId}"];
            }

            o.MapInboundClaims = false;
            o.TokenValidationParameters.RoleClaimType = RoleClaim;
            o.TokenValidationParameters.NameClaimType = "name";
        });
        services.AddOptions<OpenIdConnectOptions>(Entra).Configure<IOptions<LeadScoringSettings>>((o, settings) =>
        {
            var s = settings.Value;
            o.SignInScheme = Cookie;

            // Off locally: an unconfigured handler still needs a syntactically valid authority to start.
            o.Authority = s.EntraEnabled ? $"{s.EntraInstance.ToString().TrimEnd('/')}/{s.EntraTenantId}/v2.0" : "https://login.microsoftonline.com/common/v2.0";
            o.ClientId = s.EntraClientId ?? "not-configured";
            o.ResponseType = "id_token";
            o.MapInboundClaims = false;
            o.TokenValidationParameters.RoleClaimType = RoleClaim;
            o.TokenValidationParameters.NameClaimType = "name";
            o.CallbackPath = "/signin-oidc";
        });
        services.AddOptions<OpenIdConnectOptions>(Entra).Configure<IOptions<AuthSettings>>((o, auth) =>
            o.Events.OnRedirectToIdentityProvider = context =>
            {
                // The handler builds redirect_uri from the Host header; the configured public URL is the trustworthy one.
                if (auth.Value.PublicUrl is not null)
                {
                    context.ProtocolMessage.RedirectUri = HttpHardening.Origin(auth.Value) + o.CallbackPath;
                }

                return Task.CompletedTask;
            });
        return services;
    }

    /// <summary>A key header wins, then a bearer token (when Entra is on), then the session cookie; API paths default to the key.</summary>
    internal static string SchemeFor(HttpContext http)
    {
        if (!string.IsNullOrEmpty(http.Request.Headers[FunctionKeyAuthenticationHandler.HeaderName].ToString()))
        {
            return FunctionKeyAuthenticationHandler.SchemeName;
        }

        if (http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && http.RequestServices.GetRequiredService<IOptions<LeadScoringSettings>>().Value.EntraEnabled)
        {
            return Bearer;
        }

        if (http.Request.Cookies.ContainsKey(CookieName))
        {
            return Cookie;
        }

        return IsApi(http) ? FunctionKeyAuthenticationHandler.SchemeName : Cookie;
    }

    /// <summary>Signs in with a role key: the key is checked like x-functions-key; the session holds only the role.</summary>
    public static ClaimsPrincipal? PrincipalFor(string key, LeadScoringSettings settings)
    {
        if (settings.ApiKeys.RoleOf(key) is not { } role)
        {
            return null;
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, $"{role} (signed in with a key)"), new Claim(ClaimTypes.Role, role.ToString()),
                new Claim(SessionTicketStore.KeyFingerprintClaim, settings.ApiKeys.FingerprintOf(key)!),
            ], Cookie);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>The caller's role, whichever way it signed in (an Entra token may carry several app roles: the strongest wins).</summary>
    public static AccessRole? RoleOf(ClaimsPrincipal user)
    {
        foreach (var role in Enum.GetValues<AccessRole>())
        {
            if (user.IsInRole(role.ToString()))
            {
                return role;
            }
        }

        return null;
    }

    private static bool IsApi(HttpContext http) => http.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    private static Task Deny(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (!IsApi(context.HttpContext) && status == StatusCodes.Status403Forbidden)
        {
            return Dashboard.DashboardPages.WriteForbiddenAsync(context.HttpContext, RoleOf(context.HttpContext.User));
        }

        if (IsApi(context.HttpContext) || status == StatusCodes.Status403Forbidden)
        {
            context.Response.StatusCode = status;
            return context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context.HttpContext,
                ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
                {
                    Status = status,
                    Title = status == StatusCodes.Status401Unauthorized ? "Authentication required" : "Forbidden",
                    Detail = status == StatusCodes.Status401Unauthorized
                        ? "Sign in again: the session has expired."
                        : $"The {RoleOf(context.HttpContext.User)?.ToString() ?? "unknown"} role may not open {context.Request.Path}.",
                },
            }).AsTask();
        }

        // Not context.RedirectUri: the cookie handler makes it absolute from the Host header.
        context.Response.Redirect(HttpHardening.SignInLocation(context.HttpContext, context.HttpContext.RequestServices.GetRequiredService<IOptions<AuthSettings>>().Value));
        return Task.CompletedTask;
    }
}
