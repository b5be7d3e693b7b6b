namespace LeadScoring.Tests.Host;

/// <summary>
/// A test class whose tests share one <see cref="TestHost"/>, started before the first and stopped after the last.
/// Override <see cref="Configure"/> for a host that differs from a valid local run; a derived class's own
/// <c>[OneTimeSetUp]</c> runs after the host has started.
/// </summary>
internal abstract class HostFixture
{
    protected TestHost Host { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartHostAsync() => Host = await Configure(TestHost.Configure()).StartAsync();

    [OneTimeTearDown]
    public async Task StopHostAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }

    protected virtual TestHostBuilder Configure(TestHostBuilder host) => host;

    protected static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
