using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LeadScoring.Core.Learning;
using LeadScoring.Core.Learning.Retraining;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Storage;
using LeadScoring.Tests.EndToEnd;
using LeadScoring.Tests.Host;
using Microsoft.Extensions.DependencyInjection;

namespace LeadScoring.Tests.Learning.Retraining;

/// <summary>
/// Retraining on the emulator's portal, whose hidden propensity the emulator knows: score everyone, let outcomes
/// happen, retrain through the admin route, and judge the promoted model against the ground truth.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class RetrainEndToEndTests
{
    private ProductUnderTest _product = null!;
    private List<string> _contacts = null!;

    [OneTimeSetUp]
    public async Task StartProduct()
    {
        _product = await ProductUnderTest.StartAsync(contacts: 2500, rateLimit: 100_000, extraSettings: new Dictionary<string, string?>
        {
            ["AzureFunctionsJobHost__extensions__queues__batchSize"] = "32",
        });
        _contacts = await _product.ContactIdsAsync();
    }

    [OneTimeTearDown]
    public async Task StopProduct() => await _product.DisposeAsync();

    [Test]
    public async Task Retrain_AfterOutcomes_LearnsTheGroundTruthBetterThanThePrior_DecidesByThePolicy_AndRefusesAShuffledCandidate()
    {
        (await AdminPostAsync("/api/admin/rescore")).EnsureSuccessStatusCode();
        var health = _product.Host.Services.GetRequiredService<LeadScoring.Core.Pipeline.PipelineHealth>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (health.Snapshot().Written < _contacts.Count && clock.Elapsed < TimeSpan.FromSeconds(240))
        {
            await Task.Delay(500);
        }

        TestContext.Out.WriteLine($"{health.Snapshot().Written} of {_contacts.Count} contacts scored and written in {clock.Elapsed.TotalSeconds:0} s");
        Assert.That(health.Snapshot().Written, Is.GreaterThanOrEqualTo(_contacts.Count));
        var resolved = await (await _product.Emulator.Admin.PostAsJsonAsync("/_emulator/outcomes", new JsonObject { ["seed"] = 7 })).Content.ReadFromJsonAsync<JsonObject>();
        Assert.That((int)resolved!["won"]!, Is.GreaterThan(200), "enough conversions to learn from");

        using var retrain = await AdminPostAsync("/api/admin/retrain");
        var card = (await retrain.Content.ReadFromJsonAsync<JsonObject>())!;
        TestContext.Out.WriteLine(card.ToJsonString());
        Assert.That(retrain.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((string)card["baseline"]!, Is.EqualTo("the logistic prior"));
        var version = (string)card["version"]!;

        // The decision is the policy's: the interval of the paired AUC difference over the recent folds, and calibration after recalibrating.
        Assert.That((int)card["evaluationFolds"]!, Is.EqualTo(Retrainer.FoldCount));
        Assert.That((double)card["aucDifferenceLow"]!, Is.LessThanOrEqualTo((double)card["aucDifference"]!).And.LessThanOrEqualTo((double)card["aucDifferenceHigh"]!));
        var policyPromotes = (double)card["aucDifferenceLow"]! >= -(double)card["margin"]! && (double)card["ece"]! <= (double)card["calibrationBound"]!;
        Assert.That((string)card["status"]!, Is.EqualTo(policyPromotes ? "promoted" : "refused"), (string?)card["reason"]);
        var active = _product.Host.Services.GetRequiredService<ActiveCloseModel>();
        Assert.That(active.Version, Is.EqualTo(policyPromotes ? version : null));

        // Ground truth: the emulator's hidden propensity. Both predictors read each contact as it was first scored.
        var truth = (await _product.Emulator.Admin.GetFromJsonAsync<JsonObject>("/_emulator/ground-truth"))!["contacts"]!.AsObject();
        var firstScoring = new Dictionary<string, ScoreHistoryEntry>();
        await foreach (var entry in _product.Host.Services.GetRequiredService<ScoreHistoryStore>().AllAsync())
        {
            if (!firstScoring.TryGetValue(entry.ContactId, out var seen) || entry.ScoredAt < seen.ScoredAt)
            {
                firstScoring[entry.ContactId] = entry;
            }
        }

        var profile = _product.Host.Services.GetRequiredService<LeadScorer>().Profile;
        var propensity = firstScoring.Keys.Select(id => (double)truth[id]!["propensity"]!).ToList();
        var median = propensity.Order().ElementAt(propensity.Count / 2);
        bool[] likely = [.. propensity.Select(p => p >= median)];
        var candidate = (await _product.Host.Services.GetRequiredService<ModelRegistry>().LoadAsync(version))!;
        var model = candidate.PredictProbabilities(LeadSnapshotTable.Build([.. firstScoring.Values.Select(e => LeadSnapshot.From(Features(e), Components(e), e.ScoredAt))])).ToList();
        var prior = firstScoring.Values.Select(e => Curves.Logistic(e.ExactScore, profile.CloseProbability.Midpoint, profile.CloseProbability.Scale)).ToList();
        var modelAuc = BinaryMetrics.Auc(likely, model);
        var priorAuc = BinaryMetrics.Auc(likely, prior);
        TestContext.Out.WriteLine($"ground-truth AUC: model {modelAuc:0.000}, prior {priorAuc:0.000}");
        Assert.That(modelAuc, Is.GreaterThan(priorAuc), "the learned model ranks the hidden propensity better than the prior");

        if (!policyPromotes)
        {
            // An administrator may overrule the rules; the card records it.
            (await AdminPostAsync($"/api/admin/models/{version}/promote")).EnsureSuccessStatusCode();
            Assert.That(active.Version, Is.EqualTo(version));
        }

        var scored = _product.Host.Services.GetRequiredService<LeadScorer>().Score(Features(firstScoring.Values.First()));
        Assert.That(scored.CloseProbabilitySource, Is.EqualTo($"model {version}"), "the scorer now uses the model");

        await using var scope = _product.Host.Services.CreateAsyncScope();
        var drill = await scope.ServiceProvider.GetRequiredService<Retrainer>().RunAsync(new RetrainRequest(ShuffleLabelsSeed: 3), CancellationToken.None);
        TestContext.Out.WriteLine($"shuffled: {drill.Reason}");
        Assert.That(drill.Status, Is.EqualTo(ModelStatus.Refused), drill.Reason);
        Assert.That(drill.Reason, Does.Contain($"model {version}"));
        Assert.That(active.Version, Is.EqualTo(version), "the model in use stays");

        using var models = new HttpRequestMessage(HttpMethod.Get, "/api/models");
        models.Headers.Add("x-functions-key", TestHost.ManagerKey);
        var overview = (await (await _product.Host.Client.SendAsync(models)).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.That((string)overview["current"]!, Is.EqualTo(version));
        Assert.That(overview["models"]!.AsArray().Select(m => (string)m!["status"]!), Is.EqualTo(new[] { "refused", "promoted" }));

        using var rollback = await AdminPostAsync("/api/admin/models/rollback");
        Assert.That(rollback.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(active.Version, Is.Null, "back to the logistic prior");
        Assert.That((await AdminPostAsync("/api/admin/models/rollback")).StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That((await AdminPostAsync("/api/admin/models/m-unknown/promote")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    private async Task<HttpResponseMessage> AdminPostAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Add("x-functions-key", TestHost.AdminKey);
        return await _product.Host.Client.SendAsync(request);
    }

    private static LeadFeatures Features(ScoreHistoryEntry e) => System.Text.Json.JsonSerializer.Deserialize(e.FeaturesJson, ScoringJsonContext.Default.LeadFeatures)!;

    private static ComponentScores Components(ScoreHistoryEntry e) => new(
        Component(ScoreComponent.Fit, e.Fit), Component(ScoreComponent.Engagement, e.Engagement), Component(ScoreComponent.Outcome, e.Outcome), Component(ScoreComponent.Recency, e.Recency));

    private static ComponentScore Component(ScoreComponent component, double score) => new(component, score, 1, score, []);
}
