using Harness.Engines.Llama.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Engines.Llama.Tools.Training;

/// <summary>
/// The model a student is distilled from: any model the engine loads (a saved model, a checkpoint, a preset), run in
/// fp32 through its libtorch forward, one sequence at a time, without gradients.
/// </summary>
internal sealed class Teacher(LlamaModel model) : IDisposable
{
    public LlamaModel Model { get; } = model;

    /// <summary>Logits [B, T, vocab] fp32 for ids [B, T] (int64), each row from position 0.</summary>
    public Tensor Logits(Tensor ids)
    {
        using var noGrad = torch.no_grad();
        long[] flat = ids.data<long>().ToArray();
        int batch = (int)ids.shape[0], length = (int)ids.shape[1];
        var rows = new Tensor[batch];
        try
        {
            for (int b = 0; b < batch; b++)
            {
                rows[b] = Model.SequenceLogits([.. flat.Skip(b * length).Take(length).Select(i => (int)i)]);
            }

            return torch.stack(rows);
        }
        finally
        {
            foreach (Tensor? r in rows)
            {
                r?.Dispose();
            }
        }
    }

    public void Dispose() => Model.Dispose();
}
