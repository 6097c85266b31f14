// The course kit's registries agree (exercises.tsv, tutorials.tsv, the probes of
// tutorials/exercise_needs.hpp): ctest "course kit: registry". Whether each
// tutorial's needs are *right* is checked by running it with exactly them solved
// (tutorials/exercises/check_student_edition.sh, CI).
#include <map>
#include <set>

#include "exercise_util.hpp"

using namespace s2s::course;

TEST_CASE("course kit registry: every exercise has a probe, and every probe an exercise") {
  std::set<std::string> ids;
  for (const ExerciseInfo& e : kExercises) {
    ids.insert(e.id);
    CHECK_MESSAGE(probes().count(e.id) == 1, "no probe for exercise " << e.id);
  }
  for (const auto& [id, probe] : probes())
    CHECK_MESSAGE(ids.count(id) == 1, "probe for " << id << ", which is not in exercises.tsv");
}

TEST_CASE("course kit registry: each exercise's \"then run\" tutorial runs its code") {
  for (const ExerciseInfo& e : kExercises) {
    const TutorialInfo* t = find_tutorial(e.tutorial);
    CHECK_MESSAGE(t != nullptr, e.id << ": then run " << e.tutorial << ", not in tutorials.tsv");
    if (!t) continue;
    const std::vector<std::string> need = split_list(t->needs);
    CHECK_MESSAGE(std::find(need.begin(), need.end(), e.id) != need.end(),
                  e.id << ": then run " << e.tutorial << ", whose needs (tutorials.tsv) are "
                       << t->needs << ": it never runs " << e.id);
  }
}

TEST_CASE("course kit registry: assignments cover each exercise once, before it is needed") {
  std::map<std::string, int> assigned;
  std::set<std::string> so_far;
  for (const TutorialInfo& t : kTutorials) {
    for (const std::string& id : split_list(t.assignment)) {
      ++assigned[id];
      so_far.insert(id);
    }
    for (const std::string& id : split_list(t.needs))
      CHECK_MESSAGE(so_far.count(id) == 1, t.name << " needs " << id
                                                  << ", assigned only after it (tutorials.tsv)");
  }
  for (const ExerciseInfo& e : kExercises)
    CHECK_MESSAGE(assigned[e.id] == 1, e.id << " is in " << assigned[e.id]
                                            << " assignments of tutorials.tsv, want 1");
}

TEST_CASE("course kit registry: an exercise's needs are exercises of the registry") {
  for (const ExerciseInfo& e : kExercises)
    for (const std::string& need : split_list(e.needs))
      CHECK_MESSAGE(find_exercise(need) != nullptr, e.id << " needs unknown exercise " << need);
}
