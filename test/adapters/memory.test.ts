import { memoryAdapter } from "restsync/adapters/memory";
import { describeStoreContract } from "../contract/store-contract";

describeStoreContract("memory (Node)", { create: () => memoryAdapter() });
