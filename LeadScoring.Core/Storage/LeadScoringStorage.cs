using System.Collections.Concurrent;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace LeadScoring.Core.Storage;

/// <summary>The storage account: creates clients (connection string, or identity-based) and ensures queues/tables exist.</summary>
public sealed class LeadScoringStorage
{
    private readonly ConcurrentDictionary<string, TableClient> _tables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, QueueClient> _queues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, QueueClient> _rawQueues = new(StringComparer.Ordinal);
    private readonly QueueServiceClient _rawQueueService;

    public LeadScoringStorage(string connectionString, StorageNames names)
        : this(ConnectionString(connectionString), names)
    {
    }

    /// <summary>From the AzureWebJobsStorage settings: a connection string, or the service URIs with a token credential.</summary>
    /// <exception cref="InputValidationException">The settings are not valid; every problem names its setting.</exception>
    public LeadScoringStorage(StorageConnection connection, StorageNames names)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(names);
        if (connection.Validate() is { Count: > 0 } errors)
        {
            throw new InputValidationException($"The {StorageConnection.Name} settings", errors);
        }

        Names = names;
        var tableOptions = new TableClientOptions();
        TuneRetry(tableOptions.Retry);

        // Base64 is what the Azure Functions queue trigger expects by default.
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        TuneRetry(queueOptions.Retry);
        var rawOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        TuneRetry(rawOptions.Retry);

        if (connection.ConnectionString is { } connectionString)
        {
            TableService = new TableServiceClient(connectionString, tableOptions);
            BlobService = new BlobServiceClient(connectionString, BlobOptions());
            QueueService = new QueueServiceClient(connectionString, queueOptions);
            _rawQueueService = new QueueServiceClient(connectionString, rawOptions);
        }
        else
        {
            var credential = connection.CreateCredential();
            TableService = new TableServiceClient(connection.TableServiceUri!, credential, tableOptions);
            BlobService = new BlobServiceClient(connection.BlobServiceUri ?? BlobUriBeside(connection.TableServiceUri!), credential, BlobOptions());
            QueueService = new QueueServiceClient(connection.QueueServiceUri!, credential, queueOptions);
            _rawQueueService = new QueueServiceClient(connection.QueueServiceUri!, credential, rawOptions);
        }
    }

    public StorageNames Names { get; }

    private static StorageConnection ConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return StorageConnection.FromConnectionString(connectionString);
    }

    public TableServiceClient TableService { get; }

    /// <summary>Blobs hold what is too big for a table row: trained models.</summary>
    public BlobServiceClient BlobService { get; }

    /// <summary>Clients from here encode message bodies as Base64.</summary>
    public QueueServiceClient QueueService { get; }

    public TableClient Table(string name) => _tables.GetOrAdd(name, TableService.GetTableClient);

    /// <summary>A queue client that Base64-encodes bodies on send and decodes them on receive.</summary>
    public QueueClient Queue(string name) => _queues.GetOrAdd(name, QueueService.GetQueueClient);

    /// <summary>
    /// A queue client that leaves bodies as they are: receiving through it never throws on a body that is not
    /// Base64 (another producer's message), so such a message can be poisoned instead of blocking its batch.
    /// </summary>
    public QueueClient RawQueue(string name) => _rawQueues.GetOrAdd(name, _rawQueueService.GetQueueClient);

    /// <summary>Creates every queue and table of <see cref="Names"/> that does not exist yet.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        var tables = Names.Tables.Select(name => (Task)Table(name).CreateIfNotExistsAsync(cancellationToken));
        var queues = Names.Queues.Select(name => (Task)Queue(name).CreateIfNotExistsAsync(cancellationToken: cancellationToken));
        var containers = Names.BlobContainers.Select(name => (Task)BlobService.GetBlobContainerClient(name).CreateIfNotExistsAsync(cancellationToken: cancellationToken));
        await Task.WhenAll(tables.Concat(queues).Concat(containers)).ConfigureAwait(false);
    }

    private static BlobClientOptions BlobOptions()
    {
        var options = new BlobClientOptions();
        TuneRetry(options.Retry);
        return options;
    }

    /// <summary>https://account.table.core.windows.net → https://account.blob.core.windows.net, when only service URIs are set.</summary>
    private static Uri BlobUriBeside(Uri tableServiceUri) =>
        new UriBuilder(tableServiceUri) { Host = tableServiceUri.Host.Replace(".table.", ".blob.", StringComparison.OrdinalIgnoreCase) }.Uri;

    // The SDK default (3 retries from 0.8 s, exponential, 100 s per try) stalls a queue-triggered run far too long.
    private static void TuneRetry(RetryOptions retry)
    {
        retry.Mode = RetryMode.Exponential;
        retry.MaxRetries = 3;
        retry.Delay = TimeSpan.FromMilliseconds(200);
        retry.MaxDelay = TimeSpan.FromSeconds(2);
        retry.NetworkTimeout = TimeSpan.FromSeconds(30);
    }
}
