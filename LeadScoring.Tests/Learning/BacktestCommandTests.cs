using LeadScoring.Cli;

namespace LeadScoring.Tests.Learning;

/// <summary>The backtest command through its entry point, in process, with stdout and stderr captured.</summary>
public sealed class BacktestCommandTests
{
    private const string Good = "age;job;y\n30;admin;yes\n41;technician;no\n52;admin;no\n";

    private static readonly string BankSample = Path.Combine(AppContext.BaseDirectory, "Learning", "Data", "bank-full-every10th.csv");

    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("backtest-tests-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void Run_FileMissing_ExitsTwoNamingTheFile()
    {
        var path = Path.Combine(_folder, "nope.csv");

        var (code, _, error) = Run("backtest", "--csv", path, "--label", "y", "--positive", "yes");

        AssertBadInput(code, error, $"{path}: file not found");
    }

    [Test]
    public void Run_LabelColumnMissing_ExitsTwoNamingItAndTheColumnsSeen()
    {
        var (code, _, error) = Run(Csv(Good), "--label", "converted", "--positive", "yes", "--separator", ";");

        AssertBadInput(code, error, "label column 'converted' is not in the header (columns: age, job, y;");
    }

    [Test]
    public void Run_WrongSeparator_ExitsTwoSayingWhichSeparatorWasUsed()
    {
        var (code, _, error) = Run(Csv(Good), "--label", "y", "--positive", "yes");

        AssertBadInput(code, error, "separator ','");
    }

    [Test]
    public void Run_UnknownPositiveValue_ExitsTwoListingTheValuesSeen()
    {
        var (code, _, error) = Run(Csv(Good), "--label", "y", "--positive", "Yes", "--separator", ";");

        AssertBadInput(code, error, "positive value 'Yes' does not occur in label column 'y' (values seen: no, yes)");
    }

    [Test]
    public void Run_NoNegativeRows_ExitsTwo()
    {
        var (code, _, error) = Run(Csv("age;y\n30;yes\n41;yes\n"), "--label", "y", "--positive", "yes", "--separator", ";");

        AssertBadInput(code, error, "label column 'y' has no negative rows");
    }

    [Test]
    public void Run_HeaderOnly_ExitsTwo()
    {
        var (code, _, error) = Run(Csv("age;y\n"), "--label", "y", "--positive", "yes", "--separator", ";");

        AssertBadInput(code, error, "has a header but no rows");
    }

    [Test]
    public void Run_EmptyFile_ExitsTwo()
    {
        var (code, _, error) = Run(Csv(""), "--label", "y", "--positive", "yes");

        AssertBadInput(code, error, "the CSV is empty");
    }

    [Test]
    public void Run_RaggedLine_ExitsTwoNamingTheLine()
    {
        var (code, _, error) = Run(Csv("age;job;y\n30;admin;yes\n41;no\n52;admin;no\n"), "--label", "y", "--positive", "yes", "--separator", ";");

        AssertBadInput(code, error, "line 3: 2 fields, the header has 3");
    }

    [Test]
    public void Run_EmptyLabelCell_ExitsTwoNamingTheLine()
    {
        var (code, _, error) = Run(Csv("age;y\n30;yes\n41;\n52;no\n"), "--label", "y", "--positive", "yes", "--separator", ";");

        AssertBadInput(code, error, "line 3: label column 'y' is empty");
    }

    [Test]
    public void Run_UnknownExcludedColumn_ExitsTwoNamingIt()
    {
        var (code, _, error) = Run(Csv(Good), "--label", "y", "--positive", "yes", "--separator", ";", "--exclude", "age,durration");

        AssertBadInput(code, error, "excluded column 'durration' is not in the header");
    }

    [Test]
    public void Run_TooFewRowsOfAClass_ExitsTwo()
    {
        // One positive cannot be in both the trees' share and the calibration share of every fold.
        var (code, _, error) = Run(Csv(Good), "--label", "y", "--positive", "yes", "--separator", ";", "--folds", "2");

        AssertBadInput(code, error, "has only one class");
    }

    [TestCase(new[] { "--colour", "red" }, "unknown option '--colour'")]
    [TestCase(new[] { "--split", "sideways" }, "option --split 'sideways' must be random or chronological")]
    [TestCase(new[] { "--folds", "1" }, "option --folds '1' must be a whole number from 2 to 20")]
    [TestCase(new[] { "--separator", ";;" }, "option --separator ';;' must be one character")]
    [TestCase(new[] { "--calibration", "magic" }, "option --calibration 'magic' must be platt or isotonic")]
    [TestCase(new[] { "--seed" }, "option --seed needs a value")]
    public void Run_BadOption_ExitsTwoNamingIt(string[] extra, string expected)
    {
        var (code, _, error) = Run([.. Csv(Good), "--label", "y", "--positive", "yes", .. extra]);

        AssertBadInput(code, error, expected);
    }

    [Test]
    public void Run_RequiredOptionMissing_ExitsTwoNamingIt()
    {
        var (code, _, error) = Run(Csv(Good), "--label", "y");

        AssertBadInput(code, error, "option --positive is required");
    }

    [Test]
    public void Run_UnknownCommand_ExitsTwo()
    {
        var (code, _, error) = Run("train");

        AssertBadInput(code, error, "unknown command 'train'");
    }

    [Test]
    public void Run_BankSample_FlagsDurationAndWritesTheReport()
    {
        var csv = BankSample;
        var report = Path.Combine(_folder, "report");

        var (code, output, error) = Run("backtest", "--csv", csv, "--label", "y", "--positive", "yes", "--separator", ";", "--folds", "3", "--report", report);

        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("WARNING: 'duration' is dominant: the model leans on it").And.Contain("Check it is recorded before the outcome"));
        Assert.That(output, Does.Not.Contain("WARNING: 'month'"));
        Assert.That(output, Does.Contain("fold 3/3: AUC"));
        var auc = HeadlineAuc(output);
        Assert.That(auc, Is.GreaterThan(0.88), "with duration the model reaches ~0.9");
        Assert.That(Directory.GetFiles(report).Select(Path.GetFileName), Is.EquivalentTo(new[] { "summary.md", "roc.png", "calibration.png", "lift.png" }));
        Assert.That(File.ReadAllText(Path.Combine(report, "summary.md")), Does.Contain("| duration |").And.Contain("**dominant**"));
        Assert.That(new FileInfo(Path.Combine(report, "roc.png")).Length, Is.GreaterThan(5_000));
    }

    [Test]
    public void Run_BankSampleChronologicalWithoutLeaks_ScoresAboveChance()
    {
        var csv = BankSample;

        var (code, output, error) = Run("backtest", "--csv", csv, "--label", "y", "--positive", "yes", "--separator", ";", "--split", "chronological", "--exclude", "duration,month,day,campaign");

        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("chronological (file order): train on the first 80 %, test on the last 20 %"));
        Assert.That(output, Does.Contain("904 test rows"));
        Assert.That(output, Does.Not.Contain("WARNING"));
        var auc = HeadlineAuc(output);
        // Only 3,618 training rows from a drifting period: well above chance, well below the full file's ≈ 0.70.
        Assert.That(auc, Is.GreaterThan(0.55));
    }

    private static double HeadlineAuc(string output) => double.Parse(
        output.Split('\n').Single(l => l.StartsWith("AUC", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
        System.Globalization.CultureInfo.InvariantCulture);

    private string[] Csv(string content)
    {
        var path = Path.Combine(_folder, "export.csv");
        File.WriteAllText(path, content);
        return ["backtest", "--csv", path];
    }

    private static (int Code, string Output, string Error) Run(params string[] args) => Run((IReadOnlyList<string>)args);

    private static (int Code, string Output, string Error) Run(string[] first, params string[] rest) => Run([.. first, .. rest]);

    private static (int Code, string Output, string Error) Run(IReadOnlyList<string> args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = BacktestCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static void AssertBadInput(int code, string error, string expected)
    {
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1), "one line on stderr");
        Assert.That(error, Does.StartWith("error: ").And.Contain(expected));
    }
}
