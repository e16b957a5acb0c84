// `audiocloud graph GRAPH.yaml [--dot FILE|-]`
#include <fstream>
#include <iostream>

#include "app/commands.h"
#include "app/registry.h"
#include "graph/compiler.h"
#include "graph/graph_loader.h"
#include "graph/plan_report.h"

namespace ac {

int run_graph(const GraphArgs& args) {
  const NodeRegistry registry = default_registry();
  auto graph = load_graph_file(args.graph, registry);
  if (!graph) {
    std::cerr << graph.error().to_string() << "\n";
    return 1;
  }
  auto plan = compile(*graph, CompileOptions{false});
  if (!plan) {
    std::cerr << plan.error().to_string() << "\n";
    return 1;
  }
  if (args.dot) {
    const std::string dot = plan_to_dot(**plan, *graph);
    if (*args.dot == "-") {
      std::cout << dot;
      return 0;
    }
    std::ofstream f(*args.dot);
    if (!(f << dot)) {
      std::cerr << *args.dot << ": error: cannot write\n";
      return 2;
    }
    std::cerr << "wrote " << *args.dot << "\n";
  }
  std::cout << describe_plan(**plan, *graph);
  return 0;
}

}  // namespace ac
