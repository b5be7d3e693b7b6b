using System.Globalization;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace LeadScoring.Core.Training.Similarity;

/// <summary>
/// The default, local embedder: deterministic signed feature hashing of the tokens of a <see cref="LeadDocument"/>
/// text into <see cref="Dimensions"/> floats, L2-normalised, so leads with the same tokens point the same way.
/// </summary>
/// <remarks>
/// <para>Tokens are split on whitespace. A token <c>key:value</c> is structured; a value <c>bN</c> (digits) is a numeric
/// bucket. Everything else is a note word (split further at characters that are not letters or digits). Hashing ignores
/// case. Weights: a categorical token <see cref="CategoricalWeight"/>; a bucket token <see cref="BucketWeight"/> and each
/// neighbouring bucket (N−1, N+1) <see cref="NeighbourWeight"/>, so 250 employees (b8) and 300 (b9) still overlap;
/// the notes together <see cref="NotesWeight"/>, i.e. each of n words NotesWeight/√n, so a long note cannot drown the
/// lead's features. A text with no tokens embeds as the token <c>empty:</c>, so unknown leads are alike, not zero.</para>
/// <para>Each token is hashed with 64-bit FNV-1a over its lower-cased UTF-16 code units and a 64-bit finaliser; the hash
/// modulo Dimensions picks the slot and its top bit the sign. Neither depends on the process, machine or .NET version.</para>
/// </remarks>
public sealed class HashingEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const int DefaultDimensions = 256;

    public const float CategoricalWeight = 2f;

    public const float BucketWeight = 1f;

    public const float NeighbourWeight = 0.5f;

    public const float NotesWeight = 1.5f;

    private const string EmptyToken = "empty:";
    private const ulong FnvOffset = 14695981039346656037;
    private const ulong FnvPrime = 1099511628211;

    public HashingEmbeddingGenerator(int dimensions = DefaultDimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimensions, 16_384);
        Dimensions = dimensions;
        Version = string.Create(CultureInfo.InvariantCulture, $"local-hashing-v1-{dimensions}");
        Metadata = new EmbeddingGeneratorMetadata("local-hashing", providerUri: null, Version, dimensions);
    }

    public int Dimensions { get; }

    /// <summary>Model id and vector version, e.g. <c>local-hashing-v1-256</c>; changes whenever the vectors would.</summary>
    public string Version { get; }

    public EmbeddingGeneratorMetadata Metadata { get; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.Dimensions is { } dimensions && dimensions != Dimensions)
        {
            throw new ArgumentException($"This generator makes {Dimensions}-dimensional vectors, not {dimensions}.", nameof(options));
        }

        if (options?.ModelId is { } modelId && !string.Equals(modelId, Version, StringComparison.Ordinal))
        {
            throw new ArgumentException($"This generator is '{Version}', not '{modelId}'.", nameof(options));
        }

        var embeddings = new GeneratedEmbeddings<Embedding<float>>(values.TryGetNonEnumeratedCount(out var count) ? count : 4);
        foreach (var value in values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            embeddings.Add(new Embedding<float>(Embed(value)) { ModelId = Version });
        }

        return Task.FromResult(embeddings);
    }

    /// <summary>The normalised vector of one text, in a new array.</summary>
    public float[] Embed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var vector = new float[Dimensions];
        Embed(text, vector);
        return vector;
    }

    /// <summary>Writes the normalised vector of <paramref name="text"/> to <paramref name="destination"/> (exactly Dimensions long); allocates nothing.</summary>
    public void Embed(ReadOnlySpan<char> text, Span<float> destination)
    {
        if (destination.Length != Dimensions)
        {
            throw new ArgumentException($"The destination must have exactly {Dimensions} elements (had {destination.Length}).", nameof(destination));
        }

        destination.Clear();
        var noteWeight = NotesWeight / MathF.Sqrt(Math.Max(1, CountNoteWords(text)));
        var any = false;
        foreach (var range in text.SplitAny(' ', '\t', '\n', '\r'))
        {
            var token = text[range];
            if (token.IsEmpty)
            {
                continue;
            }

            any = true;
            var colon = token.IndexOf(':');
            if (colon <= 0)
            {
                foreach (var wordRange in WordRanges(token))
                {
                    Add(destination, Finish(Hash(FnvOffset, token[wordRange])), noteWeight);
                }
            }
            else if (TryBucket(token[(colon + 1)..], out var bucket))
            {
                // "key:b" hashed once; the three buckets only append their digits.
                var prefix = Hash(FnvOffset, token[..(colon + 2)]);
                Add(destination, Finish(HashNumber(prefix, bucket)), BucketWeight);
                if (bucket > 0)
                {
                    Add(destination, Finish(HashNumber(prefix, bucket - 1)), NeighbourWeight);
                }

                Add(destination, Finish(HashNumber(prefix, bucket + 1)), NeighbourWeight);
            }
            else
            {
                Add(destination, Finish(Hash(FnvOffset, token)), CategoricalWeight);
            }
        }

        if (!any)
        {
            Add(destination, Finish(Hash(FnvOffset, EmptyToken)), CategoricalWeight);
        }

        var norm = TensorPrimitives.Norm(destination);
        if (norm > 0)
        {
            TensorPrimitives.Divide(destination, norm, destination);
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
    }

    private static int CountNoteWords(ReadOnlySpan<char> text)
    {
        var count = 0;
        foreach (var range in text.SplitAny(' ', '\t', '\n', '\r'))
        {
            var token = text[range];
            if (!token.IsEmpty && token.IndexOf(':') <= 0)
            {
                foreach (var _ in WordRanges(token))
                {
                    count++;
                }
            }
        }

        return count;
    }

    /// <summary>The runs of letters and digits in a whitespace-free token.</summary>
    private static WordEnumerator WordRanges(ReadOnlySpan<char> token) => new(token);

    private static bool TryBucket(ReadOnlySpan<char> value, out int bucket)
    {
        bucket = 0;
        if (value.Length is < 2 or > 4 || value[0] is not ('b' or 'B'))
        {
            return false;
        }

        foreach (var c in value[1..])
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            bucket = (bucket * 10) + (c - '0');
        }

        return true;
    }

    private void Add(Span<float> vector, ulong hash, float weight)
    {
        var slot = (int)(hash % (ulong)Dimensions);
        vector[slot] += (long)hash < 0 ? -weight : weight;
    }

    private static ulong Hash(ulong state, ReadOnlySpan<char> chars)
    {
        foreach (var c in chars)
        {
            var lower = char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c <= 0x7F ? c : char.ToLowerInvariant(c);
            state = (state ^ lower) * FnvPrime;
        }

        return state;
    }

    private static ulong HashNumber(ulong state, int number)
    {
        Span<char> digits = stackalloc char[11];
        number.TryFormat(digits, out var written, provider: CultureInfo.InvariantCulture);
        return Hash(state, digits[..written]);
    }

    /// <summary>MurmurHash3's fmix64: FNV's low bits, which pick the slot, mix poorly on their own.</summary>
    private static ulong Finish(ulong h)
    {
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccd;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53;
        h ^= h >> 33;
        return h;
    }

    private ref struct WordEnumerator(ReadOnlySpan<char> token)
    {
        private readonly ReadOnlySpan<char> _token = token;
        private int _end;

        public Range Current { get; private set; }

        public readonly WordEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            var start = _end;
            while (start < _token.Length && !char.IsLetterOrDigit(_token[start]))
            {
                start++;
            }

            var end = start;
            while (end < _token.Length && char.IsLetterOrDigit(_token[end]))
            {
                end++;
            }

            _end = end;
            Current = start..end;
            return end > start;
        }
    }
}
