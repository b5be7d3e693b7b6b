using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using LeadScoring.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace LeadScoring.Tests.Architecture;

/// <summary>
/// Product code reads time only through TimeProvider: the repository's BannedSymbols.txt, with the analyzer the
/// build uses, rejects each hidden clock planted in Core code, and every product project builds with both.
/// </summary>
public sealed class HiddenClockBanTests
{
    private static readonly string[] ProductProjects =
        ["LeadScoring.Core", "LeadScoring.Functions", "LeadScoring.LocalHost", "LeadScoring.Cli", "LeadScoring.HubSpotEmulator"];

    [TestCase("_ = System.DateTime.Now;")]
    [TestCase("_ = System.DateTime.UtcNow;")]
    [TestCase("_ = System.DateTime.Today;")]
    [TestCase("_ = System.DateTimeOffset.Now;")]
    [TestCase("_ = System.DateTimeOffset.UtcNow;")]
    [TestCase("_ = System.Threading.Tasks.Task.Delay(10);")]
    [TestCase("_ = System.Threading.Tasks.Task.Delay(10, System.Threading.CancellationToken.None);")]
    [TestCase("_ = System.Threading.Tasks.Task.Delay(System.TimeSpan.Zero);")]
    [TestCase("_ = System.Threading.Tasks.Task.Delay(System.TimeSpan.Zero, System.Threading.CancellationToken.None);")]
    [TestCase("System.Threading.Thread.Sleep(0);")]
    [TestCase("System.Threading.Thread.Sleep(System.TimeSpan.Zero);")]
    public async Task Analyze_HiddenClockPlantedInCore_ReportsRS0030SayingUseTimeProvider(string planted)
    {
        var diagnostics = await AnalyzeAsync(planted);

        Assert.That(diagnostics, Has.Exactly(1).Matches<Diagnostic>(d =>
            d.Id == "RS0030" && d.Severity == DiagnosticSeverity.Error && d.GetMessage().Contains("Use TimeProvider", StringComparison.Ordinal)),
            string.Join(Environment.NewLine, diagnostics));
    }

    [Test]
    public async Task Analyze_TimeThroughTimeProvider_ReportsNothing()
    {
        var diagnostics = await AnalyzeAsync(
            "_ = System.TimeProvider.System.GetUtcNow(); _ = System.Threading.Tasks.Task.Delay(System.TimeSpan.Zero, System.TimeProvider.System, default);");

        Assert.That(diagnostics, Is.Empty);
    }

    [Test]
    public async Task Evaluate_ProductProjects_BuildWithTheAnalyzerAndBannedSymbols()
    {
        var root = Repository.Root();

        var evaluated = await Task.WhenAll(ProductProjects.Select(p => EvaluateAsync(Path.Combine(root, p, p + ".csproj"))));

        var banned = Path.Combine(root, "BannedSymbols.txt");
        Assert.Multiple(() =>
        {
            foreach (var (project, items) in ProductProjects.Zip(evaluated))
            {
                var additional = items.GetProperty("AdditionalFiles").EnumerateArray().Select(i => i.GetProperty("FullPath").GetString());
                var packages = items.GetProperty("PackageReference").EnumerateArray().Select(i => i.GetProperty("Identity").GetString());
                Assert.That(additional, Does.Contain(banned), project);
                Assert.That(packages, Does.Contain("Microsoft.CodeAnalysis.BannedApiAnalyzers"), project);
            }
        });
    }

    /// <summary>The analyzer diagnostics of a Core class whose method runs <paramref name="statements"/>, which must compile.</summary>
    private static async Task<IReadOnlyList<Diagnostic>> AnalyzeAsync(string statements)
    {
        var source = $$"""
            namespace LeadScoring.Core.Planted;

            internal static class Planted
            {
                internal static void Run()
                {
                    {{statements}}
                }
            }
            """;
        var compilation = CSharpCompilation.Create(
            "LeadScoring.Core.Planted",
            [CSharpSyntaxTree.ParseText(source, path: "Planted.cs")],
            FrameworkReferences.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, generalDiagnosticOption: ReportDiagnostic.Error)); // TreatWarningsAsErrors, as the build
        Assert.That(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error), Is.Empty, "the planted code compiles");

        var options = new AnalyzerOptions([new FileText(Path.Combine(Repository.Root(), "BannedSymbols.txt"))]);
        return await compilation.WithAnalyzers(Analyzers.Value, options).GetAnalyzerDiagnosticsAsync();
    }

    private static readonly Lazy<ImmutableArray<MetadataReference>> FrameworkReferences = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) == "netstandard.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray());

    private static readonly Lazy<ImmutableArray<DiagnosticAnalyzer>> Analyzers = new(() =>
    {
        var folder = typeof(HiddenClockBanTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BannedApiAnalyzers")?.Value;
        var path = Path.Combine(folder ?? "", "Microsoft.CodeAnalysis.CSharp.BannedApiAnalyzers.dll");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The banned-API analyzer is not at '{path}': restore LeadScoring.Tests.");
        }

        var analyzers = Assembly.LoadFrom(path).GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t)
                && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>()?.Languages.Contains(LanguageNames.CSharp) == true)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
        Assert.That(analyzers, Is.Not.Empty, path);
        return analyzers;
    });

    /// <summary>The project's AdditionalFiles and PackageReference items as MSBuild evaluates them (no build, no restore).</summary>
    private static async Task<JsonElement> EvaluateAsync(string project)
    {
        var start = new ProcessStartInfo("dotnet", ["msbuild", project, "-getItem:AdditionalFiles", "-getItem:PackageReference", "-nologo"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        Assert.That(process.ExitCode, Is.Zero, $"{project}: {await output}{await error}");
        using var json = JsonDocument.Parse(await output);
        return json.RootElement.GetProperty("Items").Clone();
    }

    private sealed class FileText(string path) : AdditionalText
    {
        public override string Path => path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(File.ReadAllText(path));
    }
}
