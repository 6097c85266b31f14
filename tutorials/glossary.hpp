#pragma once
// The one glossary of the tutorials: every technical term in English and in
// Chinese, as the lecture notes use it (tutorials/GLOSSARY.md is the same list
// for readers). Narration writes the Chinese terms from here, e.g.
//   fmt::format("{}下降了", term::token_accuracy.zh)
// so that one concept has one name in every tutorial.
namespace tutorial {

struct Term {
  const char* en;
  const char* zh;
};

namespace term {
// Models and their parts.
inline constexpr Term seq2seq{"sequence-to-sequence", "序列到序列"};
inline constexpr Term encoder{"encoder", "编码器"};
inline constexpr Term decoder{"decoder", "解码器"};
inline constexpr Term encoder_decoder{"encoder-decoder", "编码器-解码器"};
inline constexpr Term bottleneck{"bottleneck", "瓶颈"};
inline constexpr Term bottleneck_model{"bottleneck model", "瓶颈模型"};
inline constexpr Term cell{"recurrent cell", "循环单元"};
inline constexpr Term hidden_state{"hidden state", "隐藏状态"};
inline constexpr Term embedding{"embedding", "嵌入向量"};
// Attention.
inline constexpr Term attention{"attention", "注意力"};
inline constexpr Term attention_model{"attention model", "注意力模型"};
inline constexpr Term attention_weights{"attention weights", "注意力权重"};
inline constexpr Term context_vector{"context vector", "上下文向量"};
inline constexpr Term score_function{"score function", "打分函数"};
inline constexpr Term placement{"context placement", "上下文位置"};
inline constexpr Term global_attention{"global attention", "全局注意力"};
inline constexpr Term local_attention{"local attention", "局部注意力"};
// The lecture's "guided attention": attending to a part of the encoder only.
inline constexpr Term guided_attention{"guided attention", "引导注意力"};
// Not guided attention: a loss that pulls the weights towards gold alignments.
inline constexpr Term alignment_loss{"supervised alignment loss", "对齐监督损失"};
inline constexpr Term self_attention{"self-attention", "自注意力"};
inline constexpr Term key_value{"key-value attention", "键值注意力"};
inline constexpr Term key{"key", "键"};
inline constexpr Term value{"value", "值"};
inline constexpr Term query{"query", "查询"};
inline constexpr Term alignment{"alignment", "对齐"};
inline constexpr Term gold_alignment{"gold alignment", "标准对齐"};
// AER = 1 - 2|A∩G|/(|A|+|G|): 0 when every predicted link is a gold link.
inline constexpr Term aer{"alignment error rate (AER)", "对齐错误率 (AER)"};
// BLEU: n-gram overlap (n = 1..4) with the reference, 0 to 1 (1: the reference).
inline constexpr Term bleu{"BLEU", "BLEU"};
// The lecture's "forgetting" (04: accuracy falls with length; 05: gradients vanish).
inline constexpr Term forgetting{"forgetting", "遗忘"};
inline constexpr Term heatmap{"heatmap", "热力图"};
// Training.
inline constexpr Term training_pairs{"training pairs", "训练句对"};
inline constexpr Term update{"update", "更新"};
inline constexpr Term epoch{"epoch", "轮"};
inline constexpr Term train_loss{"training loss", "训练损失"};
inline constexpr Term valid_loss{"validation loss", "验证损失"};
inline constexpr Term cross_entropy{"cross-entropy", "交叉熵"};
inline constexpr Term learning_rate{"learning rate", "学习率"};
inline constexpr Term batch_size{"batch size", "批大小"};
inline constexpr Term gradient_norm{"gradient norm", "梯度范数"};
inline constexpr Term vanishing_gradient{"vanishing gradients", "梯度消失"};
inline constexpr Term exploding_gradient{"exploding gradients", "梯度爆炸"};
inline constexpr Term teacher_forcing{"teacher forcing", "教师强制"};
// Decoding and evaluation.
inline constexpr Term greedy{"greedy decoding", "贪心解码"};
inline constexpr Term beam_search{"beam search", "束搜索"};
inline constexpr Term token_accuracy{"token accuracy", "词元准确率"};
inline constexpr Term exact_match{"exact match", "完全匹配率"};
inline constexpr Term source_length{"source length", "源句长度"};
inline constexpr Term parameters{"parameters", "参数量"};
// The tutorials' checks (common.hpp): a claim is measured against a threshold
// and could fail; an invariant holds short of a bug ([恒成立] when it does); the
// summary counts both as checks (检验).
inline constexpr Term claim{"claim", "结论"};
inline constexpr Term invariant{"invariant", "不变量"};
inline constexpr Term check{"check", "检验"};
inline constexpr Term measured{"measured", "实测"};
inline constexpr Term recorded{"recorded result", "记录的结果"};
}  // namespace term

}  // namespace tutorial
