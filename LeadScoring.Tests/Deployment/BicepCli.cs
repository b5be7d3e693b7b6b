using System.Diagnostics;
using System.Reflection;
using LeadScoring.Tests.Infrastructure;

namespace LeadScoring.Tests.Deployment;

/// <summary>The Bicep CLI that restore puts in the NuGet cache (Azure.Bicep.CommandLine.linux-x64), run as a process.</summary>
internal static class BicepCli
{
    /// <summary>Bicep prints diagnostics on standard error (lint: on standard output too), JSON with --stdout on standard output.</summary>
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        public override string ToString() => $"exit code {ExitCode}\n{StandardError}\n{(StandardOutput.Length > 2000 ? StandardOutput[..2000] + "…" : StandardOutput)}";
    }

    public static string InfraFolder { get; } = Path.Combine(Repository.Root(), "infra");

    public static string Executable { get; } = Locate();

    public static async Task<Result> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable) { WorkingDirectory = InfraFolder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Executable}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, (await output).Trim(), (await error).Trim());
    }

    private static string Locate()
    {
        var path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "BicepCli")?.Value;
        if (path is null || !File.Exists(path))
        {
            throw new InvalidOperationException(
                $"The Bicep CLI is not at '{path}': restore LeadScoring.Tests (it downloads the NuGet package Azure.Bicep.CommandLine.linux-x64).");
        }

        // NuGet extracts the package without the executable bit.
        if (!OperatingSystem.IsWindows() && !File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        return path;
    }
}
