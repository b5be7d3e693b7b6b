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

    /// <summary>Scans every table and queue whose name starts with the prefix; returns rows/messages scanned and the hits.</summary>
    public static async Task<(int Scanned, List<string> Hits)> ScanStorageAsync(string connectionString, string prefix, HashSet<string> pii)
    {
        var hits = new List<string>();
        var scanned = 0;
        var tables = new TableServiceClient(connectionString);
        await foreach (var table in tables.QueryAsync())
        {
            if (!table.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            await foreach (var entity in tables.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                scanned++;
                foreach (var (key, value) in entity)
                {
                    Check($"{table.Name}/{entity.PartitionKey}/{entity.RowKey}.{key}", Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), pii, hits);
                }
            }
        }

        var queues = new QueueServiceClient(connectionString);
        await foreach (var queue in queues.GetQueuesAsync(prefix: prefix))
        {
            foreach (var message in (await queues.GetQueueClient(queue.Name).PeekMessagesAsync(32)).Value)
            {
                scanned++;
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

        return (scanned, hits);
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
