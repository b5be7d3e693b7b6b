using System.Net;
using LeadScoring.HubSpotEmulator;
using Microsoft.Extensions.Time.Testing;

namespace LeadScoring.Tests.Emulator;

[TestFixture]
public sealed class AuthenticationTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private EmulatorServer _emulator = null!;

    [OneTimeSetUp]
    public async Task StartAsync() =>
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 30, TimeProvider = _clock });

    [OneTimeTearDown]
    public async Task StopAsync() => await _emulator.DisposeAsync();

    [Test]
    public async Task Get_WithoutToken_Returns401WithHubSpotErrorBody()
    {
        using var client = new HttpClient { BaseAddress = _emulator.Address };
        using var response = await client.GetAsync(new Uri("/crm/v3/objects/contacts/1001", UriKind.Relative));
        var reply = await Reply.ReadAsync(response);

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
        var body = reply.Json!;
        Assert.Multiple(() =>
        {
            Assert.That(body["status"]!.GetValue<string>(), Is.EqualTo("error"));
            Assert.That(body["message"]!.GetValue<string>(), Does.StartWith("Authentication credentials not found. This API supports OAuth 2.0 authentication"));
            Assert.That(Guid.TryParse(body["correlationId"]!.GetValue<string>(), out _), Is.True);
            Assert.That(body["category"]!.GetValue<string>(), Is.EqualTo("INVALID_AUTHENTICATION"));
        });
    }

    [Test]
    public async Task Get_WithUnknownToken_Returns401()
    {
        var reply = await _emulator.SendAsync(HttpMethod.Get, "/crm/v3/objects/contacts/1001", token: "pat-na1-wrong");

        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(reply.Json!["category"]!.GetValue<string>(), Is.EqualTo("INVALID_AUTHENTICATION"));
    }

    [Test]
    public async Task TokenRefresh_ValidRefreshToken_IssuesAccessTokenTheApiAccepts()
    {
        var (status, body) = await RefreshAsync(_emulator.Options.RefreshToken);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.Multiple(() =>
        {
            Assert.That(body["token_type"]!.GetValue<string>(), Is.EqualTo("bearer"));
            Assert.That(body["expires_in"]!.GetValue<long>(), Is.EqualTo(1800));
            Assert.That(body["refresh_token"]!.GetValue<string>(), Is.EqualTo(_emulator.Options.RefreshToken));
        });
        var reply = await _emulator.SendAsync(HttpMethod.Get, "/crm/v3/objects/contacts/1001", token: body["access_token"]!.GetValue<string>());
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task TokenRefresh_UnknownRefreshToken_Returns400BadRefreshToken()
    {
        var (status, body) = await RefreshAsync("not-the-refresh-token");

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.Multiple(() =>
        {
            Assert.That(body["status"]!.GetValue<string>(), Is.EqualTo("BAD_REFRESH_TOKEN"));
            Assert.That(body["message"]!.GetValue<string>(), Is.EqualTo("missing or unknown refresh token"));
            Assert.That(body["error"]!.GetValue<string>(), Is.EqualTo("invalid_grant"));
            Assert.That(body["correlationId"], Is.Not.Null);
        });
    }

    [Test]
    public async Task TokenRefresh_WrongClientSecret_Returns400()
    {
        var (status, body) = await RefreshAsync(_emulator.Options.RefreshToken, secret: "wrong");

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body["status"]!.GetValue<string>(), Is.EqualTo("BAD_CLIENT_SECRET"));
    }

    [Test]
    public async Task Get_WithAccessTokenPastItsLifetime_Returns401WhileStaticTokenStillWorks()
    {
        var (_, body) = await RefreshAsync(_emulator.Options.RefreshToken);
        var token = body["access_token"]!.GetValue<string>();

        _clock.Advance(TimeSpan.FromMinutes(31));
        var expired = await _emulator.SendAsync(HttpMethod.Get, "/crm/v3/objects/contacts/1001", token: token);
        var withStatic = await _emulator.GetAsync("/crm/v3/objects/contacts/1001");

        Assert.That(expired.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(expired.Json!["status"]!.GetValue<string>(), Is.EqualTo("error"));
        Assert.That(withStatic.Status, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Get_AfterAdminExpiresTokens_Returns401UntilRefreshed()
    {
        var (_, body) = await RefreshAsync(_emulator.Options.RefreshToken);
        var token = body["access_token"]!.GetValue<string>();

        await _emulator.PostAsync("/_emulator/oauth/expire", "{}");
        var expired = await _emulator.SendAsync(HttpMethod.Get, "/crm/v3/objects/contacts/1001", token: token);
        var (_, refreshed) = await RefreshAsync(_emulator.Options.RefreshToken);
        var again = await _emulator.SendAsync(HttpMethod.Get, "/crm/v3/objects/contacts/1001", token: refreshed["access_token"]!.GetValue<string>());

        Assert.That(expired.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(again.Status, Is.EqualTo(HttpStatusCode.OK));
    }

    private async Task<(HttpStatusCode Status, System.Text.Json.Nodes.JsonNode Body)> RefreshAsync(string refreshToken, string? secret = null)
    {
        using var client = new HttpClient { BaseAddress = _emulator.Address };
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = _emulator.Options.ClientId,
            ["client_secret"] = secret ?? _emulator.Options.ClientSecret,
        });
        using var response = await client.PostAsync(new Uri("/oauth/v1/token", UriKind.Relative), form);
        var reply = await Reply.ReadAsync(response);
        return (reply.Status, reply.Json!);
    }
}
