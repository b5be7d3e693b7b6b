using System.Globalization;
using System.Text.RegularExpressions;
using LeadScoring.Cli.Simulation;
using LeadScoring.Core.Learning.Retraining;

namespace LeadScoring.Tests.Learning.Simulation;

/// <summary>
/// Twelve simulated weeks through the same code as <c>LeadScoring.Cli simulate</c>: Azurite, the emulator's simulated
/// portal, Core's scoring and weekly retraining. Checks the table's shape and the gate's drill, not the learning's gain.
/// </summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(300_000)]
public sealed partial class WeeklySimulationTests
{
    private SimulationResult _result = null!;
    private string _printed = "";

    [OneTimeSetUp]
    public async Task RunSimulation()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(300));
        using var output = new StringWriter();
        output.WriteLine(SimulationReport.Header);
        _result = await WeeklySimulation.RunAsync(new SimulateArguments(Weeks: 12, Seed: 2), row => output.WriteLine(SimulationReport.Line(row)), cancel.Token);
        SimulationReport.WriteSummary(output, _result);
        _printed = output.ToString();
        TestContext.Out.WriteLine(_printed);
    }

    [Test]
    public void Table_HasOneRowPerWeek()
    {
        Assert.That(_result.Rows.Select(r => r.Week), Is.EqualTo(Enumerable.Range(1, 12)));
        Assert.That(_printed.Split('\n').Count(l => WeekLine().IsMatch(l)), Is.EqualTo(12));
    }

    [Test]
    public void Outcomes_Accumulate()
    {
        var outcomes = _result.Rows.Select(r => r.Outcomes).ToList();
        Assert.That(outcomes, Is.Ordered);
        Assert.That(outcomes[^1], Is.GreaterThanOrEqualTo(200), "enough to train on by the end");
        Assert.That(_result.Rows.Select(r => r.Leads), Is.Ordered.And.Unique, "a hundred new leads a week");
    }

    [Test]
    public void EveryRetrainDecision_HasAReason()
    {
        Assert.That(_result.Rows.Select(r => r.Reason), Has.All.Not.Empty);
        Assert.That(_result.Rows.Select(r => r.Reason), Has.All.Match("^(promoted|refused|not trained)"));
    }

    [Test]
    public void DrillWeek_ShuffledLabelCandidate_IsRefused()
    {
        var drill = _result.Rows.Single(r => r.Drill is not null);
        Assert.That(drill.Week, Is.EqualTo(6));
        Assert.That(drill.Drill, Is.EqualTo(ModelStatus.Refused), drill.DrillReason);
        Assert.That(drill.DrillReason, Does.Contain("shuffled labels"));
    }

    [Test]
    public void ClosingLine_MatchesTheTable()
    {
        var last = _printed.Trim().Split('\n')[^1].Trim();
        var match = ClosingLine().Match(last);
        Assert.That(match.Success, Is.True, last);
        Assert.That(int.Parse(match.Groups["weeks"].Value, CultureInfo.InvariantCulture), Is.EqualTo(_result.Rows.Count));
        Assert.That(int.Parse(match.Groups["promoted"].Value, CultureInfo.InvariantCulture),
            Is.EqualTo(_result.Rows.Count(r => r.Decision == ModelStatus.Promoted) + _result.Rows.Count(r => r.Drill == ModelStatus.Promoted)));
        Assert.That(double.Parse(match.Groups["prior"].Value, CultureInfo.InvariantCulture), Is.EqualTo(_result.Rows[^1].AucPrior).Within(0.0005));
        Assert.That(double.Parse(match.Groups["end"].Value, CultureInfo.InvariantCulture), Is.EqualTo(_result.Rows[^1].AucInUse).Within(0.0005));
    }

    [Test]
    public void TheModelInUse_IsTheOneTheTableNames()
    {
        var promoted = _result.Rows.Where(r => r.Decision == ModelStatus.Promoted).ToList();
        Assert.That(_result.Rows[^1].InUse, promoted.Count == 0 ? Is.EqualTo("prior") : Does.StartWith("m"));
        Assert.That(_result.Rows.Where(r => r.InUse == "prior").Select(r => r.AucInUse), Is.EqualTo(_result.Rows.Where(r => r.InUse == "prior").Select(r => r.AucPrior)),
            "while the prior is in use it is what is measured");
    }

    [GeneratedRegex(@"^\s+\d+\s+\d+\s+\d+ \(")]
    private static partial Regex WeekLine();

    [GeneratedRegex(@"^weeks (?<weeks>\d+), promoted (?<promoted>\d+) automatically, ground-truth AUC (?<prior>\d\.\d{3}) → (?<end>\d\.\d{3})$")]
    private static partial Regex ClosingLine();
}
