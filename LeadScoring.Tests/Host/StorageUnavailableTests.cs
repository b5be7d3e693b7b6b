using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LeadScoring.Tests.EndToEnd;

namespace LeadScoring.Tests.Host;

/// <summary>
/// Issue #14: storage gone under a running host (its own Azurite, stopped after start-up). The signed webhook answers
/// 503 with Retry-After, as the README promises, and so do the training-record routes — not a bare 500.
/// </summary>
[TestFixture]
internal sealed class StorageUnavailableTests : HostFixture
{
    private const string Secret = "storage-outage-test-secret";

    protected override TestHostBuilder Configure(TestHostBuilder host) =>
        host.With("HUBSPOT_CLIENT_SECRET", Secret).With("HUBSPOT_PORTAL_ID", "1000001").WithStorageStoppedAfterStart();

    // Was: 500 (the queue write's exception escaped the function).
    [Test]
    public async Task SignedWebhook_StorageDown_503WithRetryAfter()
    {
        var json = $$"""[{"eventId":770001,"subscriptionId":310,"portalId":1000001,"occurredAt":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}},"subscriptionType":"contact.creation","attemptNumber":0,"objectId":51}]""";

        using var response = await ProductUnderTest.PostSignedWebhookAsync(Host.Client, new Uri(Host.Address, "/api/hubspot/webhooks"), json, Secret);

        await ExpectUnavailableAsync(response);
    }

    // Was: 500.
    [Test]
    public async Task CreateTrainingRecord_StorageDown_503WithRetryAfter()
    {
        using var response = await Host.SendAsync(HttpMethod.Post, "/api/training-records", TestHost.ManagerKey,
            Json("""{"classification":"Ideal","score":80,"features":{"industry":"FARMING"}}"""));

        await ExpectUnavailableAsync(response);
    }

    [Test]
    public async Task ListTrainingRecords_StorageDown_503WithRetryAfter()
    {
        using var response = await Host.SendAsync(HttpMethod.Get, "/api/training-records", TestHost.ManagerKey);

        await ExpectUnavailableAsync(response);
    }

    private static async Task ExpectUnavailableAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body);
        Assert.That(response.Headers.RetryAfter?.Delta, Is.Not.Null.And.GreaterThan(TimeSpan.Zero), "Retry-After");
        var problem = JsonNode.Parse(body)!;
        Assert.That((string?)problem["title"], Does.Contain("Storage").Or.Contain("storage"));
        Assert.That(((string?)problem["detail"])?.Length, Is.GreaterThan(0).And.LessThan(400), "a clear sentence, not a stack trace");
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(int)response.StatusCode} {body}"));
    }
}
