using LeadScoring.Cli.Simulation;
using LeadScoring.HubSpotEmulator.Simulation;

namespace LeadScoring.Tests.Learning.Simulation;

/// <summary>The simulate command line: defaults, every flag, and bad flags named on stderr with exit code 2.</summary>
public sealed class SimulateArgumentsTests
{
    [Test]
    public void Parse_NoFlags_GivesTheDocumentedDefaults()
    {
        var parsed = SimulateArguments.Parse([], out var error);

        Assert.That(error, Is.Null);
        Assert.That(parsed, Is.EqualTo(new SimulateArguments(Weeks: 12, Seed: 1, Order: WorkOrder.Score, Explore: 0, ContactsPerWeek: 100, Capacity: 40, PortalContacts: 800, DrillWeek: 6)));
    }

    [Test]
    public void Parse_EveryFlag_IsRead()
    {
        var parsed = SimulateArguments.Parse(
            ["--weeks", "8", "--seed=3", "--order", "arrival", "--explore", "0.15", "--contacts-per-week", "50", "--capacity", "20", "--portal-contacts", "300", "--drill-week", "0", "--compare"], out var error);

        Assert.That(error, Is.Null);
        Assert.That(parsed, Is.EqualTo(new SimulateArguments(8, 3, WorkOrder.Arrival, 0.15, 50, 20, 300, 0, Compare: true)));
    }

    [TestCase("--weeks", "0", "option --weeks must be a whole number from 1 to 52 (got '0')")]
    [TestCase("--weeks", "many", "option --weeks must be a whole number from 1 to 52 (got 'many')")]
    [TestCase("--order", "fastest", "option --order must be score or arrival (got 'fastest')")]
    [TestCase("--explore", "1.5", "option --explore must be a number from 0 to 1 (got '1.5')")]
    [TestCase("--contacts-per-week", "-1", "option --contacts-per-week must be a whole number from 1 to 5000 (got '-1')")]
    [TestCase("--drill-week", "13", "option --drill-week must be at most --weeks (12) or 0 for none (got 13)")]
    [TestCase("--colour", "red", "unknown option '--colour' (see --help)")]
    public void Run_BadFlag_ExitsTwoNamingTheFlag(string flag, string value, string message)
    {
        var (code, output, error) = Run(flag, value);

        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.Trim(), Is.EqualTo("error: " + message));
        Assert.That(output, Is.Empty, "nothing was started");
    }

    [Test]
    public void Run_FlagWithoutValue_ExitsTwo()
    {
        var (code, _, error) = Run("--seed");

        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.Trim(), Is.EqualTo("error: option --seed needs a value"));
    }

    [Test]
    public void Run_FlagTwice_ExitsTwo()
    {
        var (code, _, error) = Run("--seed", "1", "--seed", "2");

        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.Trim(), Is.EqualTo("error: option --seed is given twice"));
    }

    [Test]
    public void Run_Help_PrintsUsage()
    {
        var (code, output, _) = Run("--help");

        Assert.That(code, Is.Zero);
        Assert.That(output, Does.Contain("--explore F"));
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = SimulateCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
