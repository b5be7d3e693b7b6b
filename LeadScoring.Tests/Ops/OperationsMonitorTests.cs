using LeadScoring.Core.Alerts;
using LeadScoring.Core.Insights;
using LeadScoring.Core.Monitoring;
using LeadScoring.Core.Settings;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LeadScoring.Tests.Ops;

internal sealed class OperationsMonitorTests
{
    private const string Search = "POST /crm/v3/objects/contacts/search";

    private FakeTimeProvider _clock = null!;
    private LeadScoringMetrics _metrics = null!;
    private AdminAlerts _alerts = null!;
    private OperationsMonitor _monitor = null!;

    [SetUp]
    public void SetUp()
    {
        _clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        var settings = Options.Create(new LeadScoringSettings { AlertWindow = TimeSpan.FromMinutes(5), AlertErrorRate = 0.5 });
        _metrics = new LeadScoringMetrics(new TestMeterFactory());
        _alerts = new AdminAlerts(_clock, settings);
        _monitor = new OperationsMonitor(_metrics, _alerts, _clock, settings);
    }

    [TearDown]
    public void TearDown()
    {
        _monitor.Dispose();
        _metrics.Dispose();
    }

    [Test]
    public void Snapshot_HubSpotLatencies_AreNearestRankP50AndP95PerOperation()
    {
        for (var ms = 1; ms <= 100; ms++)
        {
            _metrics.HubSpotCall(Search, 200, TimeSpan.FromMilliseconds(ms));
        }

        _metrics.HubSpotCall("GET /crm/v3/objects/contacts/{id}", 429, TimeSpan.FromMilliseconds(7));

        var operations = _monitor.Snapshot().HubSpotOperations.ToDictionary(o => o.Operation);
        Assert.That((operations[Search].Calls, operations[Search].P50Ms, operations[Search].P95Ms), Is.EqualTo((100, 50.0, 95.0)));
        Assert.That(operations["GET /crm/v3/objects/contacts/{id}"].RateLimited, Is.EqualTo(1));
        Assert.That(_monitor.HubSpotWindow().Errors, Is.Zero, "a 429 is retried, not a failure");
    }

    [Test]
    public void HubSpotCalls_FailingAboveTheThreshold_RaiseOneErrorRateAlert()
    {
        for (var i = 0; i < 50; i++)
        {
            _metrics.HubSpotCall(Search, 503, TimeSpan.FromMilliseconds(5));
        }

        var sent = Drain();
        Assert.That(sent.Select(a => a.Kind), Is.EqualTo(new[] { AlertKind.ErrorRate }));
        Assert.That(sent[0].Text, Does.StartWith("5 of 5 HubSpot calls failed in the last 5 min"));
        Assert.That(_monitor.HubSpotWindow().ErrorRate, Is.EqualTo(1));
    }

    [Test]
    public void HubSpotCalls_FewerThanTheMinimum_RaiseNothing()
    {
        for (var i = 0; i < OperationsMonitor.MinCallsForErrorRate - 1; i++)
        {
            _metrics.HubSpotCall(Search, 502, TimeSpan.FromMilliseconds(5));
        }

        Assert.That(Drain(), Is.Empty);
    }

    [Test]
    public void HubSpotCall_Unauthorized_RaisesAnAuthAlert()
    {
        _metrics.HubSpotCall(Search, 401, TimeSpan.FromMilliseconds(5));

        Assert.That(Drain().Single().Kind, Is.EqualTo(AlertKind.HubSpotAuthFailure));
        Assert.That(_monitor.HubSpotWindow().AuthRefused, Is.True, "health says HubSpot refused our credentials");
    }

    [Test]
    public void HubSpotWindow_OldFailures_FallOutOfTheWindow()
    {
        for (var i = 0; i < 10; i++)
        {
            _metrics.HubSpotCall(Search, 500, TimeSpan.FromMilliseconds(5));
        }

        _clock.Advance(TimeSpan.FromMinutes(6));
        _metrics.HubSpotCall(Search, 200, TimeSpan.FromMilliseconds(5));

        var window = _monitor.HubSpotWindow();
        Assert.That((window.Calls, window.Errors, window.LastSuccessAt), Is.EqualTo((1, 0, (DateTimeOffset?)_clock.GetUtcNow())));
    }

    [Test]
    public void Snapshot_CountsWebhooksScoringFallbacksAndPoison()
    {
        _metrics.WebhookEvents("received", 10);
        _metrics.WebhookEvents("duplicate", 3);
        _metrics.WebhookEvents("rejected", 1);
        _metrics.LeadsScored(4, TimeSpan.FromMilliseconds(40));
        _metrics.Fallback("analyst");
        _metrics.Poisoned();
        _metrics.QueueSampled(7, 1);
        _metrics.RulesInUse("rules-1/default@1");

        var s = _monitor.Snapshot();

        Assert.That((s.Webhooks.Received, s.Webhooks.Duplicates, s.Webhooks.Rejected), Is.EqualTo((10L, 3L, 1L)));
        Assert.That((s.LeadsScored, s.Fallbacks, s.FallbackRate, s.ScoringBatchP50Ms), Is.EqualTo((4L, 1L, 0.25, (double?)40)));
        Assert.That((s.PoisonedSinceStart, s.QueueDepth, s.PoisonQueueDepth, s.ModelVersion), Is.EqualTo((1L, 7L, 1L, "rules-1/default@1")));
        Assert.That(Drain().Single().Kind, Is.EqualTo(AlertKind.PoisonMessage));
    }

    [TestCase("GET", "crm/v3/objects/contacts/1234?properties=industry", "GET /crm/v3/objects/contacts/{id}")]
    [TestCase("POST", "automation/v2/workflows/5001/enrollments/contacts/jane%40example.com", "POST /automation/v2/workflows/{id}/enrollments/contacts/{id}")]
    [TestCase("POST", "http://127.0.0.1:7080/crm/v4/associations/contacts/companies/batch/read", "POST /crm/v4/associations/contacts/companies/batch/read")]
    public void OperationOf_ReplacesIdsAndEmails(string method, string uri, string expected)
    {
        Assert.That(HubSpotMetricsHandler.OperationOf(new HttpMethod(method), new Uri(uri, UriKind.RelativeOrAbsolute)), Is.EqualTo(expected));
    }

    [Test]
    public void DriftOf_SameDistribution_IsStable_AndAShift_IsSignificant()
    {
        int[] lastWeek = [10, 20, 30, 40, 50, 60, 70, 80, 90, 95];

        var same = ScoreTrends.DriftOf(lastWeek, lastWeek);
        var shifted = ScoreTrends.DriftOf([85, 88, 90, 92, 95, 97, 99, 81, 83, 86], lastWeek);
        var empty = ScoreTrends.DriftOf([], lastWeek);

        Assert.That((same.Psi, same.Reading), Is.EqualTo(((double?)0, "stable")));
        Assert.That(shifted.Psi, Is.GreaterThan(0.25));
        Assert.That(shifted.Reading, Is.EqualTo("significant shift"));
        Assert.That(empty.Psi, Is.Null);
    }

    private List<AdminAlert> Drain()
    {
        var list = new List<AdminAlert>();
        while (_alerts.Outbox.TryRead(out var alert))
        {
            list.Add(alert);
        }

        return list;
    }

    /// <summary>A meter per test, so parallel tests' measurements never meet.</summary>
    private sealed class TestMeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        private readonly List<System.Diagnostics.Metrics.Meter> _meters = [];

        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options)
        {
            var meter = new System.Diagnostics.Metrics.Meter(options.Name, options.Version, options.Tags, this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
