using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using LeadScoring.Tests.Host;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace LeadScoring.Tests.Dashboard;

/// <summary>
/// Sign-in: a role key for a secure, HttpOnly, SameSite=Strict session cookie (each kind of bad input named), sign-out,
/// and Microsoft Entra ID — bearer tokens with app roles, here issued locally and signed with a local key.
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class SignInTests : HostFixture
{
    private const string Issuer = "https://login.local.test/tenant-1/v2.0";
    private const string ClientId = "11111111-2222-3333-4444-555555555555";
    private static readonly SymmetricSecurityKey SigningKey = new(Encoding.UTF8.GetBytes("a-local-test-signing-key-of-at-least-256-bits!!"));

    protected override TestHostBuilder Configure(TestHostBuilder host) => host
        .With("LEAD_SCORE_ENTRA_TENANT_ID", "tenant-1")
        .With("LEAD_SCORE_ENTRA_CLIENT_ID", ClientId)
        .WithServices(services =>
        {
            // Locally issued tokens: the handler trusts this key and issuer instead of Entra's published metadata.
            services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o =>
            {
                o.Configuration = new OpenIdConnectConfiguration { Issuer = Issuer };
                o.TokenValidationParameters.ValidIssuer = Issuer;
                o.TokenValidationParameters.IssuerSigningKey = SigningKey;
            });
            services.PostConfigure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, o =>
            {
                o.Configuration = new OpenIdConnectConfiguration { Issuer = Issuer, AuthorizationEndpoint = "https://login.local.test/tenant-1/oauth2/v2.0/authorize" };
                o.ConfigurationManager = new Microsoft.IdentityModel.Protocols.StaticConfigurationManager<OpenIdConnectConfiguration>(o.Configuration);
            });
        });

    [Test]
    public async Task SignIn_WithARoleKey_SetsASecureHttpOnlyStrictSessionCookie()
    {
        using var response = await Host.Client.PostAsJsonAsync("/api/auth/sign-in", new { key = TestHost.RepKey });
        var cookie = response.Headers.GetValues("Set-Cookie").Single();
        var me = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(cookie, Does.StartWith("leadscoring.session=").And.Contain("secure").And.Contain("httponly").And.Contain("samesite=strict"));
        Assert.That(cookie, Does.Not.Contain(TestHost.RepKey));
        Assert.That(((string?)me!["role"], me["pages"]!.AsArray().Count), Is.EqualTo(("Rep", 1)));
    }

    [Test]
    public async Task SignIn_AsAForm_Works()
    {
        using var response = await Host.Client.PostAsync("/api/auth/sign-in", new FormUrlEncodedContent([new("key", TestHost.MarketingKey)]));

        Assert.That((string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["role"], Is.EqualTo("Marketing"));
    }

    [TestCase("{}", "application/json", HttpStatusCode.BadRequest, "key", "is required")]
    [TestCase("{\"key\":\"   \"}", "application/json", HttpStatusCode.BadRequest, "key", "is required")]
    [TestCase("{\"key\":", "application/json", HttpStatusCode.BadRequest, "$", "must be JSON")]
    [TestCase("{\"key\":\"not-a-configured-key-123\"}", "application/json", HttpStatusCode.Unauthorized, "detail", "The key is not valid.")]
    [TestCase("key=abc", "text/plain", HttpStatusCode.UnsupportedMediaType, "detail", "as JSON")]
    public async Task SignIn_BadInput_SaysWhatIsWrong(string body, string contentType, HttpStatusCode status, string field, string message)
    {
        using var response = await Host.Client.PostAsync("/api/auth/sign-in", new StringContent(body, Encoding.UTF8, contentType));
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.That(response.StatusCode, Is.EqualTo(status));
        var text = field == "detail" ? (string?)problem!["detail"] : problem!["errors"]![field]![0]!.ToString();
        Assert.That(text, Does.Contain(message));
        Assert.That(response.Headers.Contains("Set-Cookie"), Is.False);
    }

    [Test]
    public async Task SignOut_ExpiresTheSessionCookie()
    {
        var cookie = await DashboardCallers.SignInAsync(Host.Client, "Manager");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/sign-out");
        request.Headers.Add("Cookie", cookie);

        using var response = await Host.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(response.Headers.GetValues("Set-Cookie").Single(), Does.Contain("leadscoring.session=;").And.Contain("expires=Thu, 01 Jan 1970"));
    }

    [TestCase("Manager", "/api/dashboard/leads", HttpStatusCode.OK)]
    [TestCase("Rep", "/api/dashboard/leads", HttpStatusCode.Forbidden)]
    [TestCase("Rep", "/api/dashboard/queue", HttpStatusCode.OK)]
    [TestCase("Marketing", "/api/dashboard/queue", HttpStatusCode.Forbidden)]
    [TestCase("Admin", "/api/ops", HttpStatusCode.OK)]
    public async Task EntraToken_WithAnAppRole_GetsThatRolesAccess(string role, string path, HttpStatusCode expected)
    {
        using var response = await GetWithTokenAsync(path, Token([role], SigningKey, ClientId));

        Assert.That(response.StatusCode, Is.EqualTo(expected));
    }

    [Test]
    public async Task EntraToken_SignedWithAnotherKey_IsRefused()
    {
        var forged = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("not-the-key-this-host-trusts-at-all-0123456789"));

        using var response = await GetWithTokenAsync("/api/dashboard/leads", Token(["Admin"], forged, ClientId));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task EntraToken_ForAnotherAudience_IsRefused()
    {
        using var response = await GetWithTokenAsync("/api/dashboard/leads", Token(["Admin"], SigningKey, "some-other-app"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task EntraSignIn_RedirectsToTheTenantsAuthorizeEndpoint()
    {
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Host.Address };

        using var response = await noRedirects.GetAsync("/api/auth/entra");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(response.Headers.Location!.ToString(), Does.StartWith("https://login.local.test/tenant-1/oauth2/v2.0/authorize").And.Contain($"client_id={ClientId}"));
    }

    [Test]
    public async Task SignInPage_EntraConfigured_OffersSignInWithMicrosoft()
    {
        var html = await Host.Client.GetStringAsync("/sign-in");

        Assert.That(html, Does.Contain("id=\"entra-sign-in\" href=\"/api/auth/entra\"").And.Not.Contain("{{ENTRA}}"));
    }

    private async Task<HttpResponseMessage> GetWithTokenAsync(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", token);
        return await Host.Client.SendAsync(request);
    }

    private static string Token(string[] roles, SecurityKey key, string audience) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = audience,
        Expires = DateTime.UtcNow.AddMinutes(10),
        Subject = new ClaimsIdentity([new Claim("name", "A. Person"), .. roles.Select(r => new Claim("roles", r))]),
        SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
    });
}
