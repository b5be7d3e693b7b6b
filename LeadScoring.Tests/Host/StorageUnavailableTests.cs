using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using LeadScoring.Tests.EndToEnd;
using LeadScoring.Tests.Infrastructure;

namespace LeadScoring.Tests.Host;

/// <summary>
/// Issue #14: storage gone under a running host (its own Azurite, stopped after start-up). The signed webhook answers
/// 503 with Retry-After, as the README promises, and so do the training-record routes — not a bare 500.
/// </summary>
[TestFixture]
public sealed class StorageUnavailableTests
{
    private const string Secret = "storage-outage-test-secret";
    private AzuriteProcess _azurite = null!;
    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartThenStopStorage()
    {
        _azurite = await Azurite.StartOwnAsync();
        var settings = TestHost.ValidSettings();
        settings["AzureWebJobsStorage"] = _azurite.ConnectionString;
        settings["HUBSPOT_CLIENT_SECRET"] = Secret;
        settings["HUBSPOT_PORTAL_ID"] = "1000001";
        _host = await TestHost.StartAsync(settings);
        await _azurite.DisposeAsync();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _host.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    // Was: 500 (the queue write's exception escaped the function).
    [Test]
    public async Task SignedWebhook_StorageDown_503WithRetryAfter()
    {
        var json = $$"""[{"eventId":770001,"subscriptionId":310,"portalId":1000001,"occurredAt":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}},"subscriptionType":"contact.creation","attemptNumber":0,"objectId":51}]""";

        using var response = await ProductUnderTest.PostSignedWebhookAsync(_host.Client, new Uri(_host.Address, "/api/hubspot/webhooks"), json, Secret);

        await ExpectUnavailableAsync(response);
    }

    // Was: 500.
    [Test]
    public async Task CreateTrainingRecord_StorageDown_503WithRetryAfter()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/training-records")
        {
            Content = new StringContent("""{"classification":"Ideal","score":80,"features":{"industry":"FARMING"}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-functions-key", TestHost.ManagerKey);

        using var response = await _host.Client.SendAsync(request);

        await ExpectUnavailableAsync(response);
    }

    [Test]
    public async Task ListTrainingRecords_StorageDown_503WithRetryAfter()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/training-records");
        request.Headers.Add("x-functions-key", TestHost.ManagerKey);

        using var response = await _host.Client.SendAsync(request);

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
