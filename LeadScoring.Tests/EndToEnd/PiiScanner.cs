using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace LeadScoring.Tests.EndToEnd;

/// <summary>Looks for the portal's personal data (names, emails, phones, addresses) in every table row and queue message we stored.</summary>
internal static class PiiScanner
{
    private static readonly string[] PersonalProperties = ["firstname", "lastname", "email", "phone", "mobilephone", "address"];

    /// <summary>Every personal value of the portal's contacts, plus "first last" full names.</summary>
    public static HashSet<string> Values(JsonObject portal)
    {
        var values = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var contact in portal["objects"]?["contacts"]?.AsArray() ?? [])
        {
            var properties = contact!["properties"]!.AsObject();
            foreach (var name in PersonalProperties)
            {
                if (properties[name]?.GetValue<string>() is { Length: >= 3 } value)
                {
                    values.Add(value);
                }
            }

            if (properties["firstname"]?.GetValue<string>() is { } first && properties["lastname"]?.GetValue<string>() is { } last)
            {
                values.Add($"{first} {last}");
            }
        }

        return values;
    }

    /// <summary>
    /// Scans every table row, queue message and blob whose table, queue or container name starts with one of the
    /// prefixes (ours, and the Durable task hub's: its Instances and History tables, control and work-item queues and
    /// large-message blobs, gzip as DTFx writes them); returns rows/messages/blobs scanned, the hits, and what was scanned where.
    /// </summary>
    public static async Task<(int Scanned, List<string> Hits, Dictionary<string, int> ByStore)> ScanStorageAsync(string connectionString, IReadOnlyList<string> prefixes, HashSet<string> pii)
    {
        var hits = new List<string>();
        var byStore = new Dictionary<string, int>(StringComparer.Ordinal);
        bool Ours(string name) => prefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase));
        void Count(string store) => byStore[store] = byStore.GetValueOrDefault(store) + 1;

        var tables = new TableServiceClient(connectionString);
        await foreach (var table in tables.QueryAsync())
        {
            if (!Ours(table.Name))
            {
                continue;
            }

            byStore.TryAdd(table.Name, 0);
            await foreach (var entity in tables.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                Count(table.Name);
                foreach (var (key, value) in entity)
                {
                    Check($"{table.Name}/{entity.PartitionKey}/{entity.RowKey}.{key}", Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), pii, hits);
                }
            }
        }

        var queues = new QueueServiceClient(connectionString);
        await foreach (var queue in queues.GetQueuesAsync())
        {
            if (!Ours(queue.Name))
            {
                continue;
            }

            byStore.TryAdd(queue.Name, 0);
            foreach (var message in (await queues.GetQueueClient(queue.Name).PeekMessagesAsync(32)).Value)
            {
                Count(queue.Name);
                var text = message.Body.ToString();
                try
                {
                    text += " " + Encoding.UTF8.GetString(Convert.FromBase64String(text));
                }
                catch (FormatException)
                {
                }

                Check($"{queue.Name}/{message.MessageId}", text, pii, hits);
            }
        }

        var blobs = new Azure.Storage.Blobs.BlobServiceClient(connectionString);
        await foreach (var container in blobs.GetBlobContainersAsync())
        {
            if (!Ours(container.Name))
            {
                continue;
            }

            byStore.TryAdd(container.Name, 0);
            var client = blobs.GetBlobContainerClient(container.Name);
            await foreach (var blob in client.GetBlobsAsync())
            {
                Count(container.Name);
                var bytes = (await client.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray();
                if (bytes is [0x1f, 0x8b, ..])
                {
                    using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress);
                    using var plain = new MemoryStream();
                    await gzip.CopyToAsync(plain);
                    bytes = plain.ToArray();
                }

                // Model files are binary; their text parts (column names, categories) are still searched.
                Check($"{container.Name}/{blob.Name}", Encoding.UTF8.GetString(bytes), pii, hits);
            }
        }

        return (byStore.Values.Sum(), hits, byStore);
    }

    private static void Check(string where, string? text, HashSet<string> pii, List<string> hits)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        // Whole values (a stored first name) and substrings of longer text (an email inside JSON) both count.
        if (pii.Contains(text) || pii.Any(value => value.Length >= 6 && text.Contains(value, StringComparison.OrdinalIgnoreCase)))
        {
            hits.Add(where);
        }
    }
}
