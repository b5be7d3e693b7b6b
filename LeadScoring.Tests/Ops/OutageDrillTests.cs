using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LeadScoring.Tests.EndToEnd;
using LeadScoring.Tests.Host;

namespace LeadScoring.Tests.Ops;

/// <summary>
/// The outage drill, time-boxed: HubSpot fails every call (the emulator's fault rate set to 1.0) for a
/// dozen seconds while leads keep changing. One admin alert arrives, /api/health says degraded and why, /api/ops shows
/// the error rate; when HubSpot is back, health recovers after the (here 6-second) window and no second alert is sent.
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class OutageDrillTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(12);

    [Test]
    public async Task HubSpotOutage_SendsOneAlert_DegradesHealth_ShowsErrors_AndRecovers()
    {
        await using var alerts = await AlertReceiver.StartAsync();
        await using var product = await ProductUnderTest.StartAsync(contacts: 12, extraSettings: new Dictionary<string, string?>
        {
            ["LEAD_SCORE_ALERT_WEBHOOK_URL"] = alerts.Url.ToString(),
            ["LEAD_SCORE_ALERT_WINDOW"] = $"{Window.TotalSeconds}s",
            ["LEAD_SCORE_ALERT_ERROR_RATE"] = "0.5",
            ["HubSpot:RetryBaseDelay"] = "00:00:00.100",
        });
        var contacts = await product.ContactIdsAsync();
        await RescoreAsync(product);
        await product.WaitUntilScoredAsync(contacts, TimeSpan.FromSeconds(60));
        var before = await AdminHealthAsync(product);
        Assert.That((string?)before!["status"], Is.EqualTo("healthy"), "before the outage");
        Assert.That((string?)before["reason"], Is.EqualTo("all checks healthy"));
        foreach (var (check, field) in new[] { ("hubspot", "calls"), ("hubspot", "lastSuccessAt"), ("pipeline", "queueBacklog"), ("pipeline", "poisonMessages"), ("pipeline", "lastBatchRunAt"), ("scoring", "modelAge") })
        {
            Assert.That(before["checks"]![check]![field], Is.Not.Null, $"health reports {check}.{field}");
        }


        await SetFaultRateAsync(product, 1.0);
        var outageEnds = DateTime.UtcNow + Outage;
        var degradedReasons = new List<string>();
        double errorRate = 0;
        for (var i = 0; DateTime.UtcNow < outageEnds; i++)
        {
            await product.Emulator.Admin.PostAsJsonAsync($"/_emulator/contacts/{contacts[i % contacts.Count]}/activity", new { type = "email_reply" });
            var health = await AdminHealthAsync(product);
            if ((string?)health!["status"] == "degraded")
            {
                degradedReasons.Add((string?)health["reason"] ?? "");
            }

            errorRate = Math.Max(errorRate, (double)(await OpsAsync(product))["hubSpot"]!["errorRate"]!);
            await Task.Delay(500);
        }

        Assert.Multiple(() =>
        {
            Assert.That(alerts.Texts, Has.Count.EqualTo(1), string.Join(Environment.NewLine, alerts.Texts));
            Assert.That(alerts.Texts.FirstOrDefault(), Does.Contain("HubSpot error rate").And.Contain("HubSpot calls failed"));
            Assert.That(degradedReasons, Has.Some.Contain("HubSpot calls failed"), "health during the outage");
            Assert.That(errorRate, Is.GreaterThanOrEqualTo(0.5), "error rate on /api/ops during the outage");
        });

        await SetFaultRateAsync(product, 0);
        var recovered = DateTime.UtcNow + TimeSpan.FromSeconds(45);
        string status;
        do
        {
            await product.Emulator.Admin.PostAsJsonAsync($"/_emulator/contacts/{contacts[0]}/activity", new { type = "meeting" });
            await Task.Delay(1000);
            status = await HealthAsync(product);
        }
        while (status != "healthy" && DateTime.UtcNow < recovered);

        Assert.That(status, Is.EqualTo("healthy"), "after the outage: " + (await AdminHealthAsync(product)));
        Assert.That(alerts.Texts, Has.Count.EqualTo(1), "no second alert for the same outage");
        Assert.That((double)(await OpsAsync(product))["hubSpot"]!["errorRate"]!, Is.LessThan(0.5));
    }

    /// <summary>The emulator's --fault-rate, changed while it runs: 1.0 fails every call (502/503/504 or a hang).</summary>
    private static async Task SetFaultRateAsync(ProductUnderTest product, double rate) =>
        (await product.Emulator.Admin.PutAsJsonAsync("/_emulator/fault-rate", new { rate })).EnsureSuccessStatusCode();

    private static async Task RescoreAsync(ProductUnderTest product)
    {
        (await product.Host.SendAsync(HttpMethod.Post, "/api/admin/rescore", TestHost.AdminKey)).EnsureSuccessStatusCode();
    }

    private static async Task<string> HealthAsync(ProductUnderTest product) =>
        (string)(await AdminHealthAsync(product))!["status"]!;

    private static async Task<JsonObject> OpsAsync(ProductUnderTest product)
    {
        using var response = await product.Host.SendAsync(HttpMethod.Get, "/api/ops", TestHost.ManagerKey);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>/api/health as an Admin sees it: with the details (anonymous callers get product words only).</summary>
    private static async Task<JsonObject?> AdminHealthAsync(ProductUnderTest product)
    {
        using var response = await product.Host.SendAsync(HttpMethod.Get, "/api/health", Host.TestHost.AdminKey);
        return await response.Content.ReadFromJsonAsync<JsonObject>();
    }
}
