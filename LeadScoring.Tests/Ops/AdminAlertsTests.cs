using LeadScoring.Core.Alerts;
using LeadScoring.Core.Settings;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LeadScoring.Tests.Ops;

internal sealed class AdminAlertsTests
{
    private FakeTimeProvider _clock = null!;

    [SetUp]
    public void SetUp() => _clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    [Test]
    public void Raise_SameKindManyTimesWithinTheQuietPeriod_SendsOne()
    {
        var alerts = Alerts(TimeSpan.FromHours(1));

        var sent = Enumerable.Range(0, 1000).Count(i => alerts.Raise(AlertKind.ErrorRate, $"failure {i}"));

        Assert.That(sent, Is.EqualTo(1));
        Assert.That(Drain(alerts).Select(a => a.Text), Is.EqualTo(new[] { "failure 0" }));
        Assert.That(alerts.SuppressedCounts()[AlertKind.ErrorRate], Is.EqualTo(999));
    }

    [Test]
    public void Raise_AfterTheQuietPeriod_SendsAgainSayingHowManyWereHeldBack()
    {
        var alerts = Alerts(TimeSpan.FromMinutes(10));
        alerts.Raise(AlertKind.PoisonMessage, "first");
        alerts.Raise(AlertKind.PoisonMessage, "held back");
        alerts.Raise(AlertKind.PoisonMessage, "held back too");

        _clock.Advance(TimeSpan.FromMinutes(10));
        var again = alerts.Raise(AlertKind.PoisonMessage, "next");

        Assert.That(again, Is.True);
        Assert.That(Drain(alerts).Select(a => (a.Text, a.Suppressed)), Is.EqualTo(new[] { ("first", 0), ("next", 2) }));
    }

    [Test]
    public void Raise_DifferentKinds_AreRateLimitedApart()
    {
        var alerts = Alerts(TimeSpan.FromHours(1));

        alerts.Raise(AlertKind.ErrorRate, "errors");
        alerts.Raise(AlertKind.HubSpotAuthFailure, "401");
        alerts.ModelPromotionRefused("v4", "AUC 0.61 is below the current model's 0.68");

        Assert.That(Drain(alerts).Select(a => a.Kind), Is.EqualTo(new[] { AlertKind.ErrorRate, AlertKind.HubSpotAuthFailure, AlertKind.ModelPromotionRefused }));
        Assert.That(alerts.Recent()[0].Text, Is.EqualTo("Model v4 was not promoted: AUC 0.61 is below the current model's 0.68"));
    }

    [Test]
    public void Raise_BlankText_Throws()
    {
        Assert.That(() => Alerts(TimeSpan.FromHours(1)).Raise(AlertKind.ErrorRate, " "), Throws.ArgumentException);
    }

    [Test]
    public async Task WebhookSink_PostsTeamsAndSlackCompatibleText()
    {
        await using var receiver = await AlertReceiver.StartAsync();
        var sink = Sink(receiver.Url);

        await sink.SendAsync(new AdminAlert(AlertKind.HubSpotAuthFailure, "HubSpot answered 401 to GET /crm/v3/objects/contacts/{id}", _clock.GetUtcNow(), 3));

        Assert.That(receiver.Texts.Single(), Is.EqualTo(
            "LeadScoring HubSpot authentication failure: HubSpot answered 401 to GET /crm/v3/objects/contacts/{id} (3 similar alert(s) held back since the last one) at 2026-11-24 12:00:00 UTC"));
    }

    [Test]
    public void WebhookSink_WithoutAUrl_OnlyLogs()
    {
        var sink = Sink(null);

        Assert.That(() => sink.SendAsync(new AdminAlert(AlertKind.ErrorRate, "x", _clock.GetUtcNow(), 0)), Throws.Nothing);
    }

    [Test]
    public async Task Dispatcher_SendsWhatWasRaised_AndSurvivesAFailingSink()
    {
        var alerts = Alerts(TimeSpan.FromHours(1));
        var sink = new RecordingSink { FailFirst = true };
        using var stop = new CancellationTokenSource();
        var running = new AlertDispatcher(alerts, sink, NullLogger<AlertDispatcher>.Instance).RunAsync(stop.Token);

        alerts.Raise(AlertKind.ErrorRate, "lost to a failing webhook");
        alerts.Raise(AlertKind.PoisonMessage, "delivered");
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (sink.Sent.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await stop.CancelAsync();
        Assert.That(async () => await running, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(sink.Sent.Select(a => a.Text), Is.EqualTo(new[] { "delivered" }));
    }

    private AdminAlerts Alerts(TimeSpan quiet) => new(_clock, Options.Create(new LeadScoringSettings { AlertQuietPeriod = quiet }));

    private static WebhookAlertSink Sink(Uri? url)
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        Microsoft.Extensions.DependencyInjection.HttpClientFactoryServiceCollectionExtensions.AddHttpClient(services);
        var factory = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IHttpClientFactory>(
            Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services));
        return new WebhookAlertSink(factory, Options.Create(new LeadScoringSettings { AlertWebhookUrl = url }), NullLogger<WebhookAlertSink>.Instance);
    }

    private static List<AdminAlert> Drain(AdminAlerts alerts)
    {
        var list = new List<AdminAlert>();
        while (alerts.Outbox.TryRead(out var alert))
        {
            list.Add(alert);
        }

        return list;
    }

    private sealed class RecordingSink : IAlertSink
    {
        public bool FailFirst { get; set; }

        public List<AdminAlert> Sent { get; } = [];

        public Task SendAsync(AdminAlert alert, CancellationToken cancellationToken = default)
        {
            if (FailFirst)
            {
                FailFirst = false;
                throw new HttpRequestException("the channel's webhook answered 500");
            }

            Sent.Add(alert);
            return Task.CompletedTask;
        }
    }
}
