namespace Harness.Tests.Engines.Llama;

/// <summary>
/// An independent, deliberately plain implementation of the llama2.c checkpoint format's forward pass (scalar
/// loops in the order of the format's reference C code, reading the file by itself), used as the oracle for the
/// engine. Shares no code with the engine.
/// </summary>
internal sealed class Llama2cReference
{
    private readonly int dim, hidden, layers, heads, kvHeads, vocab, seqLen, headSize, kvDim;
    private readonly float[] embedding, rmsAtt, wq, wk, wv, wo, rmsFfn, w1, w2, w3, rmsFinal, classifier;
    private readonly float[] keyCache, valueCache;

    public Llama2cReference(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        dim = reader.ReadInt32();
        hidden = reader.ReadInt32();
        layers = reader.ReadInt32();
        heads = reader.ReadInt32();
        kvHeads = reader.ReadInt32();
        int rawVocab = reader.ReadInt32();
        seqLen = reader.ReadInt32();
        vocab = Math.Abs(rawVocab);
        headSize = dim / heads;
        kvDim = dim * kvHeads / heads;

        float[] Read(long count)
        {
            var data = new float[count];
            for (long i = 0; i < count; i++)
            {
                data[i] = reader.ReadSingle();
            }

            return data;
        }

        embedding = Read((long)vocab * dim);
        rmsAtt = Read((long)layers * dim);
        wq = Read((long)layers * dim * dim);
        wk = Read((long)layers * dim * kvDim);
        wv = Read((long)layers * dim * kvDim);
        wo = Read((long)layers * dim * dim);
        rmsFfn = Read((long)layers * dim);
        w1 = Read((long)layers * dim * hidden);
        w2 = Read((long)layers * hidden * dim);
        w3 = Read((long)layers * dim * hidden);
        rmsFinal = Read(dim);
        Read((long)seqLen * headSize / 2); // freq_cis_real: recomputed below, as the format's C code does
        Read((long)seqLen * headSize / 2); // freq_cis_imag
        classifier = rawVocab > 0 ? embedding : Read((long)vocab * dim);
        keyCache = new float[(long)layers * seqLen * kvDim];
        valueCache = new float[(long)layers * seqLen * kvDim];
    }

    public int SeqLen => seqLen;

    /// <summary>Greedy continuation of <paramref name="prompt"/>: returns the generated ids only.</summary>
    public int[] Greedy(IReadOnlyList<int> prompt, int newTokens)
    {
        var output = new List<int>();
        int token = prompt[0];
        for (int pos = 0; output.Count < newTokens; pos++)
        {
            float[] logits = Forward(token, pos);
            if (pos + 1 < prompt.Count)
            {
                token = prompt[pos + 1];
                continue;
            }

            int best = 0;
            for (int i = 1; i < logits.Length; i++)
            {
                if (logits[i] > logits[best])
                {
                    best = i;
                }
            }

            output.Add(best);
            token = best;
        }

        return [.. output];
    }

    /// <summary>Logits for <paramref name="token"/> at <paramref name="pos"/>; positions must be fed in order from 0.</summary>
    public float[] Forward(int token, int pos)
    {
        var x = new float[dim];
        Array.Copy(embedding, (long)token * dim, x, 0, dim);
        var xb = new float[dim];
        var q = new float[dim];
        var k = new float[kvDim];
        var v = new float[kvDim];
        var att = new float[seqLen];
        var hb = new float[hidden];
        var hb2 = new float[hidden];
        int kvMul = heads / kvHeads;

        for (int l = 0; l < layers; l++)
        {
            RmsNorm(xb, x, rmsAtt, l * dim);
            MatMul(q, xb, wq, (long)l * dim * dim, dim, dim);
            MatMul(k, xb, wk, (long)l * dim * kvDim, dim, kvDim);
            MatMul(v, xb, wv, (long)l * dim * kvDim, dim, kvDim);

            for (int i = 0; i < dim; i += 2)
            {
                int headDim = i % headSize;
                float freq = 1.0f / MathF.Pow(10000.0f, headDim / (float)headSize);
                float val = pos * freq;
                float fcr = MathF.Cos(val);
                float fci = MathF.Sin(val);
                Rotate(q, i, fcr, fci);
                if (i < kvDim)
                {
                    Rotate(k, i, fcr, fci);
                }
            }

            long cacheOffset = ((long)l * seqLen * kvDim) + ((long)pos * kvDim);
            Array.Copy(k, 0, keyCache, cacheOffset, kvDim);
            Array.Copy(v, 0, valueCache, cacheOffset, kvDim);

            Array.Clear(xb);
            for (int h = 0; h < heads; h++)
            {
                for (int t = 0; t <= pos; t++)
                {
                    long kOff = ((long)l * seqLen * kvDim) + ((long)t * kvDim) + ((h / kvMul) * headSize);
                    float score = 0;
                    for (int i = 0; i < headSize; i++)
                    {
                        score += q[(h * headSize) + i] * keyCache[kOff + i];
                    }

                    att[t] = score / MathF.Sqrt(headSize);
                }

                Softmax(att, pos + 1);
                for (int t = 0; t <= pos; t++)
                {
                    long vOff = ((long)l * seqLen * kvDim) + ((long)t * kvDim) + ((h / kvMul) * headSize);
                    for (int i = 0; i < headSize; i++)
                    {
                        xb[(h * headSize) + i] += att[t] * valueCache[vOff + i];
                    }
                }
            }

            var xb2 = new float[dim];
            MatMul(xb2, xb, wo, (long)l * dim * dim, dim, dim);
            for (int i = 0; i < dim; i++)
            {
                x[i] += xb2[i];
            }

            RmsNorm(xb, x, rmsFfn, l * dim);
            MatMul(hb, xb, w1, (long)l * dim * hidden, dim, hidden);
            MatMul(hb2, xb, w3, (long)l * dim * hidden, dim, hidden);
            for (int i = 0; i < hidden; i++)
            {
                float val = hb[i];
                val *= 1.0f / (1.0f + MathF.Exp(-val));
                hb[i] = val * hb2[i];
            }

            MatMul(xb, hb, w2, (long)l * dim * hidden, hidden, dim);
            for (int i = 0; i < dim; i++)
            {
                x[i] += xb[i];
            }
        }

        RmsNorm(x, x, rmsFinal, 0);
        var logits = new float[vocab];
        MatMul(logits, x, classifier, 0, dim, vocab);
        return logits;
    }

    private static void Rotate(float[] vec, int i, float fcr, float fci)
    {
        float v0 = vec[i];
        float v1 = vec[i + 1];
        vec[i] = (v0 * fcr) - (v1 * fci);
        vec[i + 1] = (v0 * fci) + (v1 * fcr);
    }

    private void RmsNorm(float[] o, float[] x, float[] weight, int offset)
    {
        float ss = 0;
        for (int j = 0; j < dim; j++)
        {
            ss += x[j] * x[j];
        }

        ss /= dim;
        ss += 1e-5f;
        ss = 1.0f / MathF.Sqrt(ss);
        for (int j = 0; j < dim; j++)
        {
            o[j] = weight[offset + j] * (ss * x[j]);
        }
    }

    private static void Softmax(float[] x, int size)
    {
        float max = x[0];
        for (int i = 1; i < size; i++)
        {
            max = Math.Max(max, x[i]);
        }

        float sum = 0;
        for (int i = 0; i < size; i++)
        {
            x[i] = MathF.Exp(x[i] - max);
            sum += x[i];
        }

        for (int i = 0; i < size; i++)
        {
            x[i] /= sum;
        }
    }

    /// <summary>out[d] = W[d, n] · x[n], W starting at <paramref name="offset"/>.</summary>
    private static void MatMul(float[] output, float[] x, float[] w, long offset, int n, int d)
    {
        for (int i = 0; i < d; i++)
        {
            float val = 0;
            for (int j = 0; j < n; j++)
            {
                val += w[offset + ((long)i * n) + j] * x[j];
            }

            output[i] = val;
        }
    }
}
