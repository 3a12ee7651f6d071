import { commandResolvers } from '@retail/platform';
import { createFranchisee } from '../commands/create-franchisee';
import { createGuide } from '../commands/create-guide';
import { createStore } from '../commands/create-store';
import { markGuideLeft } from '../commands/mark-guide-left';
import { setStoreOpeningHours } from '../commands/set-store-opening-hours';
import { updateStore } from '../commands/update-store';

export const Mutation = commandResolvers({ createFranchisee, createStore, updateStore, setStoreOpeningHours, createGuide, markGuideLeft });
