using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LeadScoring.Core.Storage;

/// <summary>Registers the storage account and every store as singletons.</summary>
internal static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddLeadScoringStorage(this IServiceCollection services, Func<IServiceProvider, string> connectionString, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        return services.AddLeadScoringStorage(provider => StorageConnection.FromConnectionString(connectionString(provider)), prefix);
    }

    /// <summary>With the AzureWebJobsStorage settings: a connection string (Azurite) or an identity-based connection.</summary>
    public static IServiceCollection AddLeadScoringStorage(this IServiceCollection services, Func<IServiceProvider, StorageConnection> connection, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(connection);

        // Built now so a bad prefix fails at startup, not at the first message.
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new StorageNames(prefix));
        services.TryAddSingleton(provider => new LeadScoringStorage(connection(provider), provider.GetRequiredService<StorageNames>()));
        services.TryAddSingleton<ScoreRequestQueue>();
        services.TryAddSingleton<WebhookEventLedger>();
        services.TryAddSingleton<ScoreHistoryStore>();
        services.TryAddSingleton<LastWrittenScoreStore>();
        services.TryAddSingleton<LeadSnapshotStore>();
        services.TryAddSingleton<Leads.LeadIndexStore>();
        services.TryAddSingleton<EnrollmentStore>();
        services.TryAddSingleton<CheckpointStore>();
        services.TryAddSingleton<PipelineErrorLog>();
        services.TryAddSingleton<SessionStore>();
        return services;
    }
}
