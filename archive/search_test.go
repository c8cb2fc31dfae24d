package archive

// qVanished is a history query too: TestQueryPlans holds it to an index.
func init() { planQueries["qVanished"] = qVanished }
