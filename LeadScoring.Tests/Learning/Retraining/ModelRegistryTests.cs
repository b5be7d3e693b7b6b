using LeadScoring.Core.Learning.Retraining;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Settings;
using LeadScoring.Tests.Storage;

namespace LeadScoring.Tests.Learning.Retraining;

/// <summary>The model registry against Azurite: files in Blob storage, cards and the current-model pointer in a Table.</summary>
[TestFixture]
public sealed class ModelRegistryTests
{
    private static Core.Learning.TrainedModel _model = null!;

    private ModelRegistry _registry = null!;

    [OneTimeSetUp]
    public static void TrainOnce() => _model = RetrainingData.Train(RetrainingData.Examples(400));

    [SetUp]
    public async Task SetUp() => _registry = new ModelRegistry(await TestStorage.CreateAsync(), TimeProvider.System);

    [Test]
    public async Task Save_ThenLoad_PredictsTheSame()
    {
        await SaveAsync("m1", ModelStatus.Refused);

        var loaded = await _registry.LoadAsync("m1");
        var table = LeadSnapshotTable.Build([.. RetrainingData.Examples(20, seed: 9).Select(e => e.Snapshot)]);

        Assert.That(loaded!.PredictProbabilities(table), Is.EqualTo(_model.PredictProbabilities(table)));
        Assert.That((await _registry.GetAsync("m1"))!.Auc, Is.EqualTo(0.71));
        Assert.That(await _registry.LoadAsync("nope"), Is.Null);
    }

    [Test]
    public async Task Promote_ThenRollback_WalksBackThroughThePromotedModels()
    {
        await SaveAsync("m1", ModelStatus.Refused);
        await SaveAsync("m2", ModelStatus.Refused);

        await _registry.PromoteAsync("m1");
        await _registry.PromoteAsync("m2");
        var afterPromotions = (await _registry.PromotedStackAsync()).ToList();
        var m1Status = (await _registry.GetAsync("m1"))!.Status;
        var first = await _registry.RollbackAsync();
        var second = await _registry.RollbackAsync();

        Assert.That(afterPromotions, Is.EqualTo(new[] { "m2", "m1" }));
        Assert.That(m1Status, Is.EqualTo(ModelStatus.Retired));
        Assert.That(first, Is.EqualTo("m1"));
        Assert.That(second, Is.Null, "back to the logistic prior");
        Assert.That((await _registry.GetAsync("m2"))!.Status, Is.EqualTo(ModelStatus.Retired));
        Assert.That((await _registry.GetAsync("m2"))!.Reason, Does.Contain("rolled back"));
        Assert.ThrowsAsync<InvalidOperationException>(() => _registry.RollbackAsync());
    }

    [Test]
    public async Task Promote_ASkippedOrUnknownVersion_IsRefused()
    {
        await _registry.SaveAsync(Card("s1", ModelStatus.Skipped), null);

        Assert.ThrowsAsync<InvalidOperationException>(() => _registry.PromoteAsync("s1"));
        Assert.ThrowsAsync<KeyNotFoundException>(() => _registry.PromoteAsync("missing"));
        Assert.That(await _registry.CurrentVersionAsync(), Is.Null);
    }

    [Test]
    public async Task ActiveModel_FollowsTheRegistry_AndAPinWins()
    {
        await SaveAsync("m1", ModelStatus.Refused);
        await SaveAsync("m2", ModelStatus.Refused);
        await _registry.PromoteAsync("m2");
        var active = new ActiveCloseModel();

        await active.RefreshAsync(_registry, pinnedVersion: null);
        var followed = active.Version;
        await active.RefreshAsync(_registry, pinnedVersion: "m1");
        var estimate = active.Estimate(new LeadFeatures { EmailOpens = 3 }, new LeadScorer(new ScoringProfile(), TimeProvider.System).Score(new LeadFeatures { EmailOpens = 3 }).Components, DateTimeOffset.UtcNow);

        Assert.That(followed, Is.EqualTo("m2"));
        Assert.That(active.Version, Is.EqualTo("m1"));
        Assert.That(active.Weights, Is.EqualTo(new ComponentWeights(0.25, 0.35, 0.2, 0.2)));
        Assert.That(estimate!.ModelVersion, Is.EqualTo("m1"));
        Assert.That(estimate.Probability, Is.InRange(0, 1));
        Assert.That(estimate.Contributions, Has.Count.EqualTo(ActiveCloseModel.ReportedContributions));
    }

    [Test]
    public async Task ActiveModel_PinnedVersionMissing_SaysWhichSettingAndKeepsThePrevious()
    {
        await SaveAsync("m1", ModelStatus.Refused);
        await _registry.PromoteAsync("m1");
        var active = new ActiveCloseModel();
        await active.RefreshAsync(_registry, null);

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => active.RefreshAsync(_registry, "m404"));

        Assert.That(error!.Message, Does.Contain(LeadScoringSettings.ModelVersionName).And.Contain("m404"));
        Assert.That(active.Version, Is.EqualTo("m1"));
    }

    [Test]
    public void Scorer_WithAnActiveModel_UsesItsProbabilityWeightsAndVersion()
    {
        var active = new ActiveCloseModel();
        active.Use("m7", _model, new ComponentWeights(0.25, 0.35, 0.2, 0.2), DateTimeOffset.UtcNow);
        var lead = new LeadFeatures { Industry = "COMPUTER_SOFTWARE", EmailOpens = 6, MeetingsBooked = 1 };

        var prior = new LeadScorer(new ScoringProfile(), TimeProvider.System).Score(lead);
        var learned = new LeadScorer(new ScoringProfile(), TimeProvider.System, active).Score(lead);

        Assert.That(prior.CloseProbabilitySource, Is.EqualTo(LeadScorer.LogisticPriorSource));
        Assert.That(prior.CloseModel, Is.Null);
        Assert.That(learned.CloseProbabilitySource, Is.EqualTo("model m7"));
        Assert.That(learned.ModelVersion, Does.EndWith("+m7"));
        Assert.That(learned.Weights, Is.EqualTo(new ComponentWeights(0.25, 0.35, 0.2, 0.2)));
        Assert.That(learned.CloseModel!.Contributions, Is.Not.Empty);
        Assert.That(learned.CloseProbability, Is.EqualTo((int)Math.Round(learned.CloseModel.Probability * 100, MidpointRounding.AwayFromZero)));
    }

    private async Task SaveAsync(string version, ModelStatus status)
    {
        using var file = new MemoryStream();
        _model.Save(file);
        file.Position = 0;
        await _registry.SaveAsync(Card(version, status), file);
    }

    private static ModelCard Card(string version, ModelStatus status) => new()
    {
        Version = version,
        CreatedAt = DateTimeOffset.UtcNow,
        Status = status,
        Reason = "test",
        Auc = 0.71,
        Weights = new ComponentWeights(0.25, 0.35, 0.2, 0.2),
    };
}
