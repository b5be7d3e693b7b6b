using System.Buffers.Binary;
using System.Numerics.Tensors;
using Azure;
using Azure.Data.Tables;

namespace LeadScoring.Core.Training.Similarity;

public sealed partial class EmbeddedVectorIndex
{
    private static TrainingVectorEntity ToEntity(Row row)
    {
        var bytes = new byte[row.Vector.Length * sizeof(float)];
        for (var i = 0; i < row.Vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), row.Vector[i]);
        }

        return new TrainingVectorEntity
        {
            PartitionKey = Partition,
            RowKey = row.Id,
            Vector = bytes,
            Classification = ClassificationName(row.Classification),
            Score = row.Score,
            EmbedderVersion = row.Version,
        };
    }

    /// <summary>A stored row as written: already normalised, so it is not normalised again and searches match bit for bit.</summary>
    private static Row FromEntity(TrainingVectorEntity entity)
    {
        var bytes = entity.Vector;
        if (bytes is not { Length: > 0 } || bytes.Length % sizeof(float) != 0 || bytes.Length > MaxDimensions * sizeof(float))
        {
            throw new InvalidDataException($"Vector row '{entity.RowKey}' has no whole float vector ({bytes?.Length ?? 0} bytes).");
        }

        var vector = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        }

        if (!TryClassification(entity.Classification, out var classification) || classification == AnyClassification
            || entity.Score is < 0 or > 100 || string.IsNullOrWhiteSpace(entity.EmbedderVersion) || !float.IsFinite(TensorPrimitives.Norm(vector)))
        {
            throw new InvalidDataException($"Vector row '{entity.RowKey}' is not valid (classification '{entity.Classification}', score {entity.Score}, version '{entity.EmbedderVersion}').");
        }

        return new Row(entity.RowKey, vector, (byte)classification, (byte)entity.Score, entity.EmbedderVersion);
    }
}

internal sealed class TrainingVectorEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    /// <summary>The normalised vector as little-endian float32s.</summary>
    public byte[] Vector { get; set; } = [];

    public string Classification { get; set; } = "";

    public int Score { get; set; }

    public string EmbedderVersion { get; set; } = "";
}
