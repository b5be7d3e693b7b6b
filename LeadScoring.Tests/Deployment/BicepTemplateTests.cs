namespace LeadScoring.Tests.Deployment;

/// <summary>The templates are proven the way IaC is proven without a subscription: the real Bicep compiler and linter.</summary>
[TestFixture]
public sealed class BicepTemplateTests
{
    [Test]
    public async Task Build_MainBicepWithTheExampleParameterFile_CompilesWithoutDiagnostics()
    {
        var compiled = await CompiledTemplates.GetAsync();

        Assert.That(compiled.Build.ExitCode, Is.Zero, compiled.Build.ToString());
        Assert.That(compiled.Build.StandardError, Is.Empty, "bicep build-params printed diagnostics");
        Assert.That(compiled.Modules().Select(m => (string?)m["name"]), Is.EquivalentTo(new[] { "identity", "storage", "search", "openai", "keyvault", "monitoring", CompiledTemplates.SiteModule, CompiledTemplates.SettingsModule }));
        Assert.That(compiled.Parameters.Select(p => p.Key), Does.Contain("hubSpotPortalId").And.Contain("hubSpotClientSecret"));
    }

    [Test]
    public async Task Lint_EveryTemplateAndTheParameterFile_HasNoWarningOrError()
    {
        var compiled = await CompiledTemplates.GetAsync();

        var files = compiled.BicepFiles.Select(f => Path.GetRelativePath(BicepCli.InfraFolder, f).Replace('\\', '/'));
        Assert.That(files, Is.EquivalentTo(new[]
        {
            "main.bicep", "modules/functionapp.bicep", "modules/functionapp-settings.bicep", "modules/identity.bicep", "modules/keyvault.bicep",
            "modules/monitoring.bicep", "modules/openai.bicep", "modules/search.bicep", "modules/storage.bicep",
        }), "infra/ should hold main.bicep and its modules, and nothing left over from Container Apps");
        Assert.That(compiled.Lint.ExitCode, Is.Zero, compiled.Lint.ToString());
        Assert.That(compiled.Lint.StandardOutput + compiled.Lint.StandardError, Is.Empty, $"bicep lint over {compiled.BicepFiles.Count} .bicep files and main.bicepparam printed diagnostics");
    }

    [Test]
    public async Task Lint_ATemplateWithAnUnusedParameter_IsReported()
    {
        // The linter really runs with infra/bicepconfig.json: a slip in a copy of a module is caught as an error.
        var folder = Directory.CreateTempSubdirectory("leadscoring-lint-probe-");
        try
        {
            var copy = Path.Combine(folder.FullName, "identity.bicep");
            File.Copy(Path.Combine(BicepCli.InfraFolder, "bicepconfig.json"), Path.Combine(folder.FullName, "bicepconfig.json"));
            await File.WriteAllTextAsync(copy, await File.ReadAllTextAsync(Path.Combine(BicepCli.InfraFolder, "modules", "identity.bicep")) + "\nparam notUsed string\n");

            var lint = await BicepCli.RunAsync(null, "lint", copy);

            Assert.That(lint.ExitCode, Is.Not.Zero, lint.ToString());
            Assert.That(lint.StandardOutput + lint.StandardError, Does.Contain("Error no-unused-params"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
