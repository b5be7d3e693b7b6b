using System.Diagnostics;
using LeadScoring.LocalHost;

namespace LeadScoring.Tests.Host;

/// <summary>The built host as a real process: a bad setting stops it with one line naming the setting, exit code 1.</summary>
[TestFixture]
public sealed class StartupProcessTests
{
    [Test]
    public async Task HostProcess_InvalidSettings_ExitsWithOneLinePerBadSetting()
    {
        var root = Directory.CreateTempSubdirectory("leadscoring-proc-").FullName;
        try
        {
            var (exitCode, stderr) = await RunHostAsync(root, new()
            {
                ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
                ["LEAD_SCORE_API_KEYS"] = "Admin=admin-key-0123456789",
                ["LEAD_SCORE_MIN_CONFIDENCE"] = "lots",
                ["urls"] = "http://127.0.0.1:0",
            });

            var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.That(exitCode, Is.EqualTo(1), stderr);
            Assert.That(lines, Is.EquivalentTo(new[]
            {
                "Configuration error: LEAD_SCORE_MIN_CONFIDENCE: must be a number between 0 and 1 such as 0.7 (got 'lots')",
                "Configuration error: HUBSPOT_ACCESS_TOKEN: is required: the HubSpot private-app access token (Settings > Integrations > Private apps), or OAuth settings HUBSPOT_CLIENT_ID, HUBSPOT_CLIENT_SECRET and HUBSPOT_REFRESH_TOKEN",
            }));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public async Task HostProcess_MalformedLocalSettings_ExitsNamingTheFile()
    {
        var root = Directory.CreateTempSubdirectory("leadscoring-proc-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(root, "local.settings.json"), """{ "Values": { "LEAD_SCORE_MIN_CONFIDENCE": 0.7 } }""");

            var (exitCode, stderr) = await RunHostAsync(root, new() { ["urls"] = "http://127.0.0.1:0" });

            Assert.That(exitCode, Is.EqualTo(1), stderr);
            Assert.That(stderr.Trim(), Does.StartWith("Configuration error:").And.Contain("local.settings.json: Values.LEAD_SCORE_MIN_CONFIDENCE must be a string"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Stderr)> RunHostAsync(string appRoot, Dictionary<string, string> environment)
    {
        var dll = typeof(LocalFunctionsHost).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };

        // Nothing from the machine's environment may supply a setting this test means to leave out.
        foreach (var name in start.Environment.Keys.ToList())
        {
            if (name.StartsWith("HUBSPOT_", StringComparison.Ordinal) || name.StartsWith("LEAD_SCORE_", StringComparison.Ordinal)
                || name.StartsWith("AzureWebJobs", StringComparison.Ordinal) || name.StartsWith("ASPNETCORE_", StringComparison.Ordinal))
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["AzureWebJobsScriptRoot"] = appRoot;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await stdout;
        return (process.ExitCode, await stderr);
    }
}
