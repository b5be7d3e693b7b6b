using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LeadScoring.Tests.Host;

namespace LeadScoring.Tests.EndToEnd;

/// <summary>
/// Issue #14: with HUBSPOT_PORTAL_ID unset, the host learns its portal from HubSpot's account-info, so another portal's
/// signed events are still refused and counted; when it cannot learn it, webhooks are answered 503 (HubSpot retries)
/// rather than scored blind, and health says why. Emulator, Azurite and the host over real HTTP.
/// </summary>
[TestFixture]
public sealed class WebhookPortalEndToEndTests
{
    private const long OurPortal = 1000001;

    [Test]
    public async Task PortalIdUnset_EventOfAnotherPortal_RefusedCountedAndNeverScored()
    {
        await using var product = await ProductUnderTest.StartAsync(contacts: 20, extraSettings: ResilienceEndToEndTests.FastRetries());
        var contacts = await product.ContactIdsAsync();
        var (foreign, ours) = (contacts[3], contacts[4]);
        var before = await RejectedAsync(product.Host);

        using var response = await product.PostWebhookAsync($"[{InputHardeningEndToEndTests.Object(424242, foreign, 990101)},{InputHardeningEndToEndTests.Object(OurPortal, ours, 990102)}]");

        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        var answer = JsonNode.Parse(body)!;
        Assert.That((int)answer["otherPortal"]!, Is.EqualTo(1));
        Assert.That((int)answer["enqueued"]!, Is.EqualTo(1));
        Assert.That(await RejectedAsync(product.Host), Is.GreaterThanOrEqualTo(before + 1));
        await product.WaitUntilScoredAsync([ours], TimeSpan.FromSeconds(60));
        Assert.That(await product.WrittenScoreAsync(foreign), Is.Null, "the other portal's contact id was not scored here");
        Assert.That((await product.Emulator.RequestsAsync("/account-info/v3/details")).Count(r => r.Status == 200), Is.EqualTo(1), "learned once, then cached");
    }

    [Test]
    public async Task PortalIdUnsetAndAccountInfoFailing_Webhook503AndHealthSaysWhy()
    {
        var (emulator, settings) = await ProductUnderTest.StartEmulatorAsync(contacts: 5, extraSettings: ResilienceEndToEndTests.FastRetries());
        await using var _ = emulator;
        await emulator.AddFaultAsync(500, count: 10_000, pathContains: "/account-info/");
        await using var host = await TestHost.Configure().With(settings).StartAsync();
        var contact = (await ProductUnderTest.ContactIdsAsync(emulator))[0];

        using var response = await ProductUnderTest.PostSignedWebhookAsync(
            host.Client, new Uri(host.Address, "/api/hubspot/webhooks"), InputHardeningEndToEndTests.Event(OurPortal, contact, 990201), emulator.Options.ClientSecret);

        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body);
        Assert.That(body, Does.Contain("HUBSPOT_PORTAL_ID"));
        Assert.That(response.Headers.RetryAfter, Is.Not.Null, "HubSpot retries the events later");
        using var health = await host.SendAsync(HttpMethod.Get, "/api/health", TestHost.AdminKey);
        var report = await health.Content.ReadAsStringAsync();
        Assert.That(report, Does.Contain("HubSpot portal not known").And.Contain("account-info"), report);
        Assert.That(await ProductUnderTest.WrittenScoreAsync(emulator, contact), Is.Null);
    }

    private static async Task<long> RejectedAsync(TestHost host)
    {
        using var response = await host.SendAsync(HttpMethod.Get, "/api/ops", TestHost.AdminKey);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return (long)(await response.Content.ReadFromJsonAsync<JsonObject>())!["webhooks"]!["rejected"]!;
    }
}
