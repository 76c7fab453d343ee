// sparrow bench: -shape, -data_shape, -b and -i against a model's inputs, and the tensors fed to it.
// Generated data follows benchmark_app (uniform integers in [0, 255], seed 0) except where a BERT input needs
// valid values: *attention_mask* inputs get ones, *token_type_ids* inputs zeros; floats are uniform in [0,
// 1).
#include <algorithm>
#include <fstream>
#include <map>
#include <random>

#include "bench.h"
#include "npy.h"

namespace sparrow::tools::bench {
namespace {

const Port* find_port(const std::vector<Port>& ports, const std::string& name) {
  for (const Port& p : ports)
    if (std::find(p.names.begin(), p.names.end(), name) != p.names.end() || p.name == name) return &p;
  return nullptr;
}

std::string port_list(const std::vector<Port>& ports) {
  std::string s;
  for (const Port& p : ports) s += (s.empty() ? "" : ", ") + p.name;
  return s;
}

// "name[1,64],other[1,64][1,128]" or "[1,64]" (every input) -> port name -> the bracketed texts.
std::map<std::string, std::vector<std::string>> parse_per_input(const std::string& flag,
                                                                const std::string& text,
                                                                const std::vector<Port>& ports) {
  std::map<std::string, std::vector<std::string>> out;
  size_t pos = 0;
  auto bad = [&](const std::string& why) {
    fail("-", flag, " '", text, "': ", why, "; expected NAME[dims],NAME[dims] or [dims] for every input");
  };
  while (pos < text.size()) {
    size_t open = text.find('[', pos);
    if (open == std::string::npos) bad("no '[' after '" + text.substr(pos) + "'");
    std::string name = text.substr(pos, open - pos);
    std::vector<std::string> dims;
    pos = open;
    while (pos < text.size() && text[pos] == '[') {
      size_t close = text.find(']', pos);
      if (close == std::string::npos) bad("unclosed '['");
      dims.push_back(text.substr(pos + 1, close - pos - 1));
      pos = close + 1;
    }
    if (pos < text.size()) {
      if (text[pos] != ',') bad("unexpected '" + text.substr(pos) + "'");
      ++pos;
      if (pos == text.size()) bad("nothing after the last ','");
    }
    if (name.empty()) {
      for (const Port& p : ports) out[p.name].insert(out[p.name].end(), dims.begin(), dims.end());
      continue;
    }
    const Port* port = find_port(ports, name);
    SPARROW_CHECK(port, "-", flag, ": the model has no input '", name, "' (its inputs: ", port_list(ports),
                  ")");
    auto& list = out[port->name];
    list.insert(list.end(), dims.begin(), dims.end());
  }
  return out;
}

PartialShape parse_dims(const std::string& flag, const std::string& name, const std::string& dims) {
  try {
    return PartialShape::parse(dims);
  } catch (const Error& e) {
    fail("-", flag, ": input '", name, "': ", e.what());
  }
}

// -i: "name:file,name:file" items, or one unnamed file for a one-input model.
std::map<std::string, std::string> parse_files(const std::vector<std::string>& args,
                                               const std::vector<Port>& ports) {
  std::map<std::string, std::string> out;
  for (const std::string& arg : args) {
    size_t pos = 0;
    while (pos <= arg.size()) {
      size_t comma = arg.find(',', pos);
      if (comma == std::string::npos) comma = arg.size();
      std::string item = arg.substr(pos, comma - pos);
      pos = comma + 1;
      SPARROW_CHECK(!item.empty(), "-i '", arg, "': empty file name");
      size_t colon = item.find(':');
      std::string name, file = item;
      if (colon != std::string::npos) {
        name = item.substr(0, colon);
        file = item.substr(colon + 1);
        const Port* port = find_port(ports, name);
        SPARROW_CHECK(port, "-i '", item, "': the model has no input '", name,
                      "' (its inputs: ", port_list(ports), ")");
        name = port->name;
      } else {
        SPARROW_CHECK(ports.size() == 1, "-i '", item, "': name the input (NAME:", item, "); the model has ",
                      ports.size(), " inputs: ", port_list(ports));
        name = ports[0].name;
      }
      SPARROW_CHECK(!out.count(name), "-i: two files for input '", name, "'");
      std::string ext = std::filesystem::path(file).extension().string();
      SPARROW_CHECK(ext == ".npy" || ext == ".bin", "-i '", file,
                    "': only .npy and raw .bin files are supported");
      out[name] = file;
    }
  }
  return out;
}

Tensor read_bin(const std::string& file, ElementType type, const Shape& shape) {
  std::ifstream in(file, std::ios::binary);
  SPARROW_CHECK(in, file, ": cannot open");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Tensor t(type, shape);
  SPARROW_CHECK(bytes.size() == t.byte_size(), file, ": ", bytes.size(), " bytes, but ", to_string(type), " ",
                to_string(shape), " takes ", t.byte_size());
  std::copy(bytes.begin(), bytes.end(), static_cast<char*>(t.data()));
  return t;
}

// Calls f(T{}) with the C++ type of an integer element type (boolean excluded); false for other types.
template <typename F>
bool with_integer_type(ElementType type, F&& f) {
  switch (type) {
    case ElementType::i64:
      f(int64_t{});
      return true;
    case ElementType::i32:
      f(int32_t{});
      return true;
    case ElementType::i16:
      f(int16_t{});
      return true;
    case ElementType::i8:
      f(int8_t{});
      return true;
    case ElementType::u64:
      f(uint64_t{});
      return true;
    case ElementType::u32:
      f(uint32_t{});
      return true;
    case ElementType::u16:
      f(uint16_t{});
      return true;
    case ElementType::u8:
      f(uint8_t{});
      return true;
    default:
      return false;
  }
}

// Uniform values in [lo, hi] (integers) or [lo, hi) (floats) from benchmark_app's generator, mt19937 seeded
// 0.
template <typename T, typename D>
void fill_uniform(Tensor& t, D lo, D hi) {
  std::mt19937 gen(0);
  std::conditional_t<std::is_floating_point_v<D>, std::uniform_real_distribution<D>,
                     std::uniform_int_distribution<D>>
      dist(lo, hi);
  T* data = t.data<T>();
  for (size_t i = 0; i < t.size(); ++i) data[i] = static_cast<T>(dist(gen));
}

bool contains(const std::string& name, const char* what) {
  return name.find(what) != std::string::npos;
}

// Fills `t` for input `name`; returns what it did, for the log.
std::string generate(Tensor& t, const std::string& name) {
  const ElementType type = t.element_type();
  const bool mask = contains(name, "attention_mask"), segments = contains(name, "token_type_ids");
  std::string what;
  bool done = with_integer_type(type, [&](auto zero) {
    using T = decltype(zero);
    // uniform_int_distribution takes no 8-bit types; draw wider and narrow.
    using D =
        std::conditional_t<(sizeof(T) < 4), std::conditional_t<std::is_signed_v<T>, int32_t, uint32_t>, T>;
    if (mask || segments) {
      std::fill(t.data<T>(), t.data<T>() + t.size(), static_cast<T>(mask ? 1 : 0));
      what = mask ? "ones (attention mask)" : "zeros (token type ids)";
    } else {
      const D hi = std::is_same_v<T, int8_t> ? 127 : 255;
      fill_uniform<T, D>(t, D{0}, hi);
      what = "random integers in [0, " + std::to_string(hi) + "]";
    }
  });
  if (done) return what;
  switch (type) {
    case ElementType::f32:
      fill_uniform<float, float>(t, 0.0f, 1.0f);
      return "random floats in [0, 1)";
    case ElementType::f64:
      fill_uniform<double, double>(t, 0.0, 1.0);
      return "random floats in [0, 1)";
    case ElementType::boolean:
      fill_uniform<uint8_t, uint32_t>(t, 0u, 1u);
      return "random booleans";
    default:
      fail("input '", name, "': cannot generate ", to_string(type), " data; give a file with -i");
  }
}

void apply_batch(InputSpec& in, int64_t batch, bool& reshape) {
  if (in.shape.rank_is_dynamic() || in.shape.rank() == 0) {
    warn("Input '" + in.port.name + "' has no batch dimension. -b option will be ignored for this input.");
    return;
  }
  if (in.shape[0] != PartialShape::kDynamic && in.shape[0] != batch) {
    in.shape[0] = batch;
    reshape = true;
  }
  for (Shape& s : in.data_shapes)
    if (!s.empty()) s[0] = batch;
}

void resolve_data_shapes(InputSpec& in, const std::vector<std::string>* data_dims) {
  const std::string& name = in.port.name;
  if (in.shape.is_static()) {
    SPARROW_CHECK(!data_dims, "-data_shape: input '", name, "' is static (", in.shape.to_string(),
                  "); use -shape for static inputs");
    in.data_shapes = {in.shape.to_shape()};
    return;
  }
  if (data_dims) {
    for (const std::string& d : *data_dims) {
      PartialShape p = parse_dims("data_shape", name, d);
      SPARROW_CHECK(p.is_static(), "-data_shape: ", p.to_string(), " for input '", name, "' is not static");
      SPARROW_CHECK(in.shape.compatible(p), "-data_shape: ", p.to_string(), " for input '", name,
                    "' does not fit its shape ", in.shape.to_string());
      in.data_shapes.push_back(p.to_shape());
    }
    return;
  }
  if (in.file_data) {
    in.data_shapes = {in.file_data->shape()};
    return;
  }
  fail("input '", name, "' has the dynamic shape ", in.shape.to_string(),
       ": give -shape (to compile a static shape), -data_shape or an .npy file with -i");
}

}  // namespace

InputPlan plan_inputs(const Model& model, const Options& opt) {
  const std::vector<Port>& ports = model.inputs();
  SPARROW_CHECK(!ports.empty(), "the model has no inputs");
  auto shapes = parse_per_input("shape", opt.shape, ports);
  auto data = parse_per_input("data_shape", opt.data_shape, ports);
  auto files = parse_files(opt.inputs, ports);

  InputPlan plan;
  for (const Port& port : ports) {
    InputSpec in;
    in.port = port;
    in.shape = port.shape;
    if (auto it = shapes.find(port.name); it != shapes.end()) {
      SPARROW_CHECK(it->second.size() == 1, "-shape: one shape per input; input '", port.name, "' has ",
                    it->second.size());
      PartialShape s = parse_dims("shape", port.name, it->second[0]);
      SPARROW_CHECK(port.shape.rank_is_dynamic() || s.rank_is_dynamic() || s.rank() == port.shape.rank(),
                    "-shape: input '", port.name, "' has rank ", port.shape.rank(), " (",
                    port.shape.to_string(), "), ", s.to_string(), " has rank ", s.rank());
      in.shape = s;
      plan.reshape = true;
    }
    if (auto it = files.find(port.name); it != files.end()) {
      in.file = it->second;
      if (in.file.ends_with(".npy")) {
        in.file_data = read_npy(in.file);
        SPARROW_CHECK(in.file_data->element_type() == port.element_type, in.file, ": ",
                      to_string(in.file_data->element_type()), " data, but input '", port.name, "' takes ",
                      to_string(port.element_type));
      }
    }
    plan.inputs.push_back(std::move(in));
  }
  for (InputSpec& in : plan.inputs) {
    auto it = data.find(in.port.name);
    resolve_data_shapes(in, it == data.end() ? nullptr : &it->second);
    if (opt.batch > 0) apply_batch(in, opt.batch, plan.reshape);
    plan.configs = std::max(plan.configs, in.data_shapes.size());
  }
  for (InputSpec& in : plan.inputs) {
    SPARROW_CHECK(in.data_shapes.size() == 1 || in.data_shapes.size() == plan.configs,
                  "-data_shape: every input takes either one shape or as many as the others (", plan.configs,
                  "); input '", in.port.name, "' has ", in.data_shapes.size());
    if (in.file_data)
      for (const Shape& s : in.data_shapes)
        SPARROW_CHECK(s == in.file_data->shape(), in.file, ": shape ", to_string(in.file_data->shape()),
                      ", but input '", in.port.name, "' is fed ", to_string(s));
    if (!in.shape.is_static()) plan.dynamic = true;
  }
  for (size_t c = 0; c < plan.configs; ++c) {
    const auto& shapes = plan.inputs[0].data_shapes;
    const Shape& first = shapes[c % shapes.size()];
    plan.batches.push_back(first.empty() ? 1 : first[0]);
  }
  plan.batch = plan.batches[0];
  return plan;
}

std::vector<std::vector<Tensor>> make_input_data(const InputPlan& plan) {
  bool any_file = false;
  for (const InputSpec& in : plan.inputs) any_file = any_file || !in.file.empty();
  if (!any_file) warn("No input files were given: all inputs will be filled with random values!");
  for (const InputSpec& in : plan.inputs)
    if (any_file && in.file.empty())
      warn("No input files were given for input '" + in.port.name +
           "'!. This input will be filled with random values!");

  size_t width = 0;
  for (const InputSpec& in : plan.inputs) width = std::max(width, in.port.name.size());
  std::vector<std::vector<Tensor>> data(plan.configs);
  for (size_t c = 0; c < plan.configs; ++c) {
    info("Test Config " + std::to_string(c));
    for (const InputSpec& in : plan.inputs) {
      const Shape& shape = in.data_shapes[c % in.data_shapes.size()];
      Tensor t;
      std::string source = in.file;
      if (in.file_data)
        t = *in.file_data;
      else if (!in.file.empty())
        t = read_bin(in.file, in.port.element_type, shape);
      else {
        t = Tensor(in.port.element_type, shape);
        source = generate(t, in.port.name);
      }
      std::string header = in.port.name + std::string(width + 2 - in.port.name.size(), ' ') + "([...], " +
                           std::string(to_string(in.port.element_type)) + ", " + to_string(shape) + ", " +
                           (in.shape.is_static() ? "static" : "dyn:" + in.shape.to_string()) + "):\t";
      info(header + source);
      data[c].push_back(t);
    }
  }
  return data;
}

std::string shapes_text(const InputPlan& plan) {
  std::string s;
  for (const InputSpec& in : plan.inputs)
    s += (s.empty() ? "'" : ", '") + in.port.name + "': " + in.shape.to_string();
  return s;
}

void print_ports(const std::vector<Port>& inputs, const std::vector<Port>& outputs) {
  auto list = [](const std::vector<Port>& ports) {
    for (const Port& p : ports) {
      std::string names;
      for (const std::string& n : p.names) names += (names.empty() ? "" : " , ") + n;
      if (names.empty()) names = p.name;
      info("    " + names + " (node: " + p.name + ") : " + std::string(to_string(p.element_type)) +
           " / [...] / " + p.shape.to_string());
    }
  };
  info("Model inputs:");
  list(inputs);
  info("Model outputs:");
  list(outputs);
}

}  // namespace sparrow::tools::bench
