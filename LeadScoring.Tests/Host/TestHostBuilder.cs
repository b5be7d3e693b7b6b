using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LeadScoring.Tests.Host;

/// <summary>
/// How a test's host differs from a valid local run (<see cref="TestHost.ValidSettings"/>): settings set or removed,
/// services replaced, a storage prefix shared with another host, a local.settings.json, storage that goes away once the
/// host runs. From <see cref="TestHost.Configure"/>; <see cref="StartAsync"/> starts the host.
/// </summary>
internal sealed class TestHostBuilder
{
    internal Dictionary<string, string?> Settings { get; } = TestHost.ValidSettings();

    internal Action<IServiceCollection>? Services { get; private set; }

    internal string? StoragePrefix { get; private set; }

    internal string? LocalSettingsJson { get; private set; }

    internal bool StorageStoppedAfterStart { get; private set; }

    /// <summary>Sets one setting (a null value is a setting present and empty, as in the environment).</summary>
    public TestHostBuilder With(string name, string? value)
    {
        Settings[name] = value;
        return this;
    }

    /// <summary>Sets each of <paramref name="settings"/>, over what is there.</summary>
    public TestHostBuilder With(IEnumerable<KeyValuePair<string, string?>>? settings)
    {
        foreach (var (name, value) in settings ?? [])
        {
            Settings[name] = value;
        }

        return this;
    }

    public TestHostBuilder Without(string name)
    {
        Settings.Remove(name);
        return this;
    }

    /// <summary>Changes the host's services after the product registered its own (several calls add up).</summary>
    public TestHostBuilder WithServices(Action<IServiceCollection>? configure)
    {
        Services += configure;
        return this;
    }

    /// <summary>The host's <see cref="TimeProvider"/> is <paramref name="clock"/>.</summary>
    public TestHostBuilder WithClock(TimeProvider clock) => WithServices(s => s.Replace(ServiceDescriptor.Singleton(clock)));

    /// <summary>Queue and table names of another host's: the two are one deployment's instances (or one host restarted).</summary>
    public TestHostBuilder WithStoragePrefix(string prefix)
    {
        StoragePrefix = prefix;
        return this;
    }

    /// <summary>A local.settings.json in the host's app root.</summary>
    public TestHostBuilder WithLocalSettings(string json)
    {
        LocalSettingsJson = json;
        return this;
    }

    /// <summary>The host gets an Azurite of its own, stopped as soon as the host has started: storage gone under a running host.</summary>
    public TestHostBuilder WithStorageStoppedAfterStart()
    {
        StorageStoppedAfterStart = true;
        return this;
    }

    public Task<TestHost> StartAsync() => TestHost.StartAsync(this);
}
