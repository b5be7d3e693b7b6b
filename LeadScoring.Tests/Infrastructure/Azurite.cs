namespace LeadScoring.Tests.Infrastructure;

/// <summary>
/// Azurite (<see cref="AzuriteProcess"/>, on disk in a throw-away folder) started once for the test run on free
/// loopback ports, and stopped when the run ends (<see cref="TestRunLifetime"/>). Tests use fresh table and queue
/// names, so they never see each other's data.
/// </summary>
internal static class Azurite
{
    // On disk rather than --inMemoryPersistence: in-memory Azurite freezes for 10–30 s about every 70 s while it
    // garbage-collects queue messages (measured by the pipeline benchmark).
    private static readonly Lazy<Task<AzuriteProcess>> Started = new(() => AzuriteProcess.StartAsync(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Connection string for the running instance (starts it on first use).</summary>
    public static async Task<string> ConnectionStringAsync() => (await Started.Value).ConnectionString;

    /// <summary>
    /// An Azurite of the caller's own (not the run's shared one), for tests that stop storage under a running host.
    /// Dispose it to stop it; disposing twice is harmless.
    /// </summary>
    public static Task<AzuriteProcess> StartOwnAsync() => AzuriteProcess.StartAsync();

    internal static async Task StopAsync()
    {
        if (Started.IsValueCreated && Started.Value.IsCompletedSuccessfully)
        {
            await Started.Value.Result.DisposeAsync();
        }
    }
}
